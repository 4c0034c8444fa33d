package steps

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
)

// parseSteps parses the non-test Go files of this package.
func parseSteps(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// stringConsts returns the package's string constants by name.
func stringConsts(files []*ast.File) map[string]string {
	consts := map[string]string{}
	for _, f := range files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						consts[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	return consts
}

// stringValue returns the value of a string literal or constant expression.
func stringValue(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	}
	return "", false
}

// unmetCases returns the needs that the switch of (*Suite).unmet names.
func unmetCases(t *testing.T, files []*ast.File) []string {
	t.Helper()
	consts := stringConsts(files)
	var needs []string
	for _, f := range files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Name.Name != "unmet" {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				sw, ok := n.(*ast.SwitchStmt)
				if !ok {
					return true
				}
				if tag, ok := sw.Tag.(*ast.Ident); !ok || tag.Name != "need" {
					return true
				}
				for _, stmt := range sw.Body.List {
					for _, e := range stmt.(*ast.CaseClause).List {
						s, ok := stringValue(e, consts)
						if !ok {
							t.Errorf("a case of switch need in unmet is not a string constant: %#v", e)
							continue
						}
						needs = append(needs, s)
					}
				}
				return false
			})
		}
	}
	if len(needs) == 0 {
		t.Fatal("found no case in (*Suite).unmet: has it moved?")
	}
	return needs
}

// TestKnownNeeds_matchNeedsGo checks that KnownNeeds names exactly the
// needs that (*Suite).unmet has a case for, and that unmet does not answer
// "unknown need" for any of them: a need added on one side only fails.
func TestKnownNeeds_matchNeedsGo(t *testing.T) {
	_, files := parseSteps(t)
	cases := unmetCases(t, files)
	for _, need := range cases {
		if !slices.Contains(KnownNeeds, need) {
			t.Errorf("needs.go understands @needs-%s but KnownNeeds (steps/vocab.go) does not list it", need)
		}
	}
	s := &Suite{}
	unknown := s.unmet("no-such-need-at-all")
	if unknown == "" {
		t.Fatal("unmet says an unknown need is met")
	}
	for _, need := range KnownNeeds {
		if !slices.Contains(cases, need) {
			t.Errorf("KnownNeeds lists %q but needs.go has no case for it", need)
		}
		if got := s.unmet(need); got == unknown {
			t.Errorf("unmet(%q) = %q, the answer for an unknown need", need, got)
		}
	}
	if len(cases) != len(KnownNeeds) {
		t.Errorf("needs.go has %d cases, KnownNeeds %d entries", len(cases), len(KnownNeeds))
	}
}

// TestScenarioTags_matchHooks checks that every tag a hook looks for with
// hasTag is in ScenarioTags, and that ScenarioTags holds nothing else.
func TestScenarioTags_matchHooks(t *testing.T) {
	_, files := parseSteps(t)
	consts := stringConsts(files)
	var used []string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "hasTag" {
				return true
			}
			tag, ok := stringValue(call.Args[1], consts)
			if !ok {
				t.Errorf("hasTag called with a tag that is not a string constant: %#v", call.Args[1])
				return true
			}
			if !strings.HasPrefix(tag, "@needs-") && tag != "@destructive" {
				used = append(used, tag)
			}
			return true
		})
	}
	for _, tag := range used {
		if !slices.Contains(ScenarioTags, tag) {
			t.Errorf("a hook looks for %s but ScenarioTags (steps/vocab.go) does not list it", tag)
		}
	}
	for _, tag := range ScenarioTags {
		if !slices.Contains(used, tag) {
			t.Errorf("ScenarioTags lists %s but no hook looks for it", tag)
		}
	}
}

// TestKnownNeeds_coverFeatures checks that every @needs-* tag of the
// built-in features and the worked examples is a known need.
func TestKnownNeeds_coverFeatures(t *testing.T) {
	var paths []string
	for _, glob := range []string{"../features/*.feature", "../features/examples/*.feature"} {
		p, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p...)
	}
	if len(paths) == 0 {
		t.Fatal("no feature files found")
	}
	seen := 0
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ids := &messages.Incrementing{}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), ids.NewId)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, p := range gherkin.Pickles(*doc, path, ids.NewId) {
			for _, tag := range p.Tags {
				need, ok := strings.CutPrefix(tag.Name, "@needs-")
				if !ok {
					continue
				}
				seen++
				if !slices.Contains(KnownNeeds, need) {
					t.Errorf("%s: scenario %q uses %s, which is not in KnownNeeds", path, p.Name, tag.Name)
				}
			}
		}
	}
	if seen == 0 {
		t.Error("no @needs-* tag in the features: the test would pass vacuously")
	}
}
