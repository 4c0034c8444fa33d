package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
	"github.com/spf13/cobra"

	"github.com/authconform/authconform/features"
	"github.com/authconform/authconform/harness/internal/catalog"
	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/harness/internal/suggest"
	"github.com/authconform/authconform/steps"
)

func newLintCommand(e env) *cobra.Command {
	var allow []string
	cmd := &cobra.Command{
		Use:   "lint [FILE|DIR]...",
		Short: "Check feature files without contacting any target",
		Long: `Check feature files before running them: Gherkin syntax errors, steps
that no definition matches (with the closest existing steps), steps that
several definitions match, and tags the harness does not know. Nothing is
sent to any target.

Without arguments the built-in features are checked. A directory is
searched for *.feature files. Exit code 0 means no problem was found, 1
that some were (each printed as FILE:LINE: what), 2 a usage error.`,
		RunE: func(_ *cobra.Command, args []string) error {
			return lintFeatures(e, args, allow)
		},
	}
	cmd.Flags().StringSliceVar(&allow, "allow-tag", nil, "a tag your scenarios may carry besides the harness's own, such as @smoke (repeatable)")
	return cmd
}

// finding is one problem found in a feature file; a note is worth
// knowing but does not fail lint.
type finding struct {
	path string
	line int64
	msg  string
	note bool
}

func (f finding) String() string {
	if f.note {
		return fmt.Sprintf("%s:%d: note: %s", f.path, f.line, f.msg)
	}
	return fmt.Sprintf("%s:%d: %s", f.path, f.line, f.msg)
}

// short is the finding in one line, without the hints that follow.
func (f finding) short() string {
	first, _, _ := strings.Cut(f.String(), "\n")
	return first
}

// linter holds what checking a feature file needs besides the file.
type linter struct {
	match matcher
	allow map[string]bool
	// builtins maps each built-in check ID to its scenarios' names: a
	// scenario of another name that carries the ID would be merged into
	// the built-in check's verdict.
	builtins map[string][]string
	// forRun is set for the check "harness run" makes before it starts.
	// Run and lint apply the same rules; two findings depend on what only
	// run knows, so lint reports them as notes and run as problems: a
	// clash with the built-in checks (lint cannot know whether they will
	// run) and an unset {{env.*}} variable (lint may run elsewhere).
	forRun bool
	// getenv reads the variables {{env.*}} placeholders name; nil skips
	// the check that they are set.
	getenv func(string) string
}

// newLinter returns the linter of "harness lint" and, forRun, of the
// check "harness run" makes before it starts: one set of rules for both.
func newLinter(allow map[string]bool, getenv func(string) string, forRun bool) linter {
	return linter{match: steps.MatchStep, allow: allow, builtins: builtinChecks(), getenv: getenv, forRun: forRun}
}

// builtinChecks maps each built-in check ID to its scenarios' names.
func builtinChecks() map[string][]string {
	scs, err := catalog.Load(features.FS, ".")
	if err != nil {
		return nil // the built-in features parse: a test makes sure
	}
	out := map[string][]string{}
	for _, sc := range scs {
		if id := runner.ParseTags(sc.Tags).CheckID; id != "" {
			out[id] = append(out[id], sc.Name)
		}
	}
	return out
}

// lintFeatures is "harness lint".
func lintFeatures(e env, args []string, allowTagList []string) error {
	allow := allowTags(allowTagList)
	// Without arguments, the built-in features; with them, files on disk
	// named as the user wrote them, so FILE:LINE opens in an editor.
	fsys, root, paths := fs.FS(features.FS), "", []string{"."}
	if len(args) > 0 {
		fsys, root, paths = os.DirFS("/"), "/", nil
		for _, a := range args {
			abs, err := filepath.Abs(a)
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("lint %s: %w", a, err)}
			}
			paths = append(paths, strings.TrimPrefix(filepath.ToSlash(abs), "/"))
		}
	}
	files, err := featureFiles(fsys, paths)
	if err != nil {
		return &exitError{exitUsage, err}
	}

	l := newLinter(allow, e.getenv, false)
	problems := 0
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return &exitError{exitUsage, fmt.Errorf("read %s: %w", name, err)}
		}
		for _, f := range l.file(displayPath(root, name), data) {
			fmt.Fprintln(e.stdout, f)
			if !f.note {
				problems++
			}
		}
	}
	if problems > 0 {
		return &exitError{exitFailed, fmt.Errorf("%d problem(s) in %d feature file(s)", problems, len(files))}
	}
	fmt.Fprintf(e.stdout, "%d feature file(s): no problems found\n", len(files))
	return nil
}

// allowTags is the set of tags --allow-tag names, each with its "@".
func allowTags(tags []string) map[string]bool {
	allow := map[string]bool{}
	for _, t := range tags {
		allow["@"+strings.TrimPrefix(t, "@")] = true
	}
	return allow
}

// displayPath names a file for the user: relative to the working
// directory when it lies below it, as a built-in feature otherwise.
func displayPath(root, name string) string {
	if root == "" {
		return "features/" + name
	}
	abs := filepath.FromSlash(root + name)
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return abs
}

// featureFiles lists the *.feature files named by paths, searching
// directories; a path that names nothing is an error.
func featureFiles(fsys fs.FS, paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := fs.Stat(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("lint %s: no such file or directory", "/"+p)
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = fs.WalkDir(fsys, p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".feature") {
				out = append(out, path)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("lint %s: %w", p, err)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("lint: no .feature files found")
	}
	return out, nil
}

// parseErrorLine matches one error of the gherkin parser, which keeps its
// error types unexported and says "(line:column): message".
var parseErrorLine = regexp.MustCompile(`^\((\d+):\d+\): (.*)$`)

// matcher finds the step definitions a step text matches after a keyword.
type matcher func(keyword, text string) []steps.StepDoc

// envPlaceholder matches a {{env.NAME}} placeholder.
var envPlaceholder = regexp.MustCompile(`\{\{\s*env\.([^}\s]*)\s*\}\}`)

// file checks one feature file.
func (l linter) file(path string, data []byte) []finding {
	ids := &messages.Incrementing{}
	doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), ids.NewId)
	if err != nil {
		return parseFindings(path, err)
	}
	match, allow := l.match, l.allow
	lines := stepLines(doc)
	var out []finding
	seen := map[finding]bool{}
	add := func(f finding) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, f := range outlineFindings(doc) {
		f.path = path
		add(f)
	}
	for _, t := range docTags(doc) {
		if msg := checkTag(t.Name, t == featureTag(doc, t), allow); msg != "" {
			add(finding{path: path, line: t.Location.Line, msg: msg})
		}
	}
	for _, p := range gherkin.Pickles(*doc, path, ids.NewId) {
		if line := lines[p.AstNodeIds[0]]; line > 0 {
			for _, f := range l.scenario(p) {
				f.path, f.line = path, line
				add(f)
			}
		}
		for _, s := range p.Steps {
			line := lines[s.AstNodeIds[0]]
			if msg := checkStep(s, match); msg != "" {
				add(finding{path: path, line: line, msg: msg})
			}
			for _, m := range envPlaceholder.FindAllStringSubmatch(stepSource(s), -1) {
				if !strings.HasPrefix(m[1], steps.EnvPrefix) {
					add(finding{path: path, line: line, msg: fmt.Sprintf("{{env.%s}}: only environment variables whose names start with %s may be read; rename it %s%s", m[1], steps.EnvPrefix, steps.EnvPrefix, strings.TrimPrefix(m[1], steps.EnvPrefix))})
				} else if l.getenv != nil && l.getenv(m[1]) == "" {
					add(finding{path: path, line: line, note: !l.forRun, msg: fmt.Sprintf("{{env.%s}}: %s is not set; set it before the run", m[1], m[1])})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b finding) int { return int(a.line - b.line) })
	return out
}

// scenario checks a scenario's tags (DESIGN.md, Tags): it names its check
// and its severity, and its check ID is not a built-in one.
func (l linter) scenario(p *messages.Pickle) []finding {
	var tags []string
	for _, t := range p.Tags {
		tags = append(tags, t.Name)
	}
	m := runner.ParseTags(tags)
	var out []finding
	if len(p.Steps) == 0 {
		// Text under a Scenario line that is not a step is its
		// description: a step without its keyword ends up there.
		out = append(out, finding{msg: fmt.Sprintf("scenario %q has no steps: every step starts with Given, When, Then, And or But", p.Name)})
	}
	if names, builtin := l.builtins[m.CheckID]; builtin && !slices.Contains(names, p.Name) {
		out = append(out, finding{note: !l.forRun, msg: fmt.Sprintf("@%s is a built-in check ID: with the built-in checks in the run, this scenario is merged into their verdict; give it an ID of its own (such as @Q%s), or run with --no-builtin", m.CheckID, m.CheckID[1:])})
	}
	if m.CheckID == "" {
		out = append(out, finding{msg: fmt.Sprintf("scenario %q has no check ID: tag it with an ID of its own such as @Q01 and start its name with it (every scenario names its check)", p.Name)})
	}
	if m.Severity == "" {
		out = append(out, finding{msg: fmt.Sprintf("scenario %q has no severity: tag it @security, @conformance or @advisory (the severity decides whether its failure fails the run)", p.Name)})
	}
	return out
}

// outlineParam matches a <parameter> of a Scenario Outline step.
var outlineParam = regexp.MustCompile(`<[^<>\s]+>`)

// outlineFindings reports each Scenario Outline of doc without an
// Examples row: Gherkin runs it once with its <parameters> sent
// literally, or not at all.
func outlineFindings(doc *messages.GherkinDocument) []finding {
	var out []finding
	check := func(sc *messages.Scenario) {
		rows := 0
		for _, ex := range sc.Examples {
			rows += len(ex.TableBody)
		}
		if rows > 0 {
			return
		}
		outline := len(sc.Examples) > 0 || strings.Contains(sc.Keyword, "Outline") || strings.Contains(sc.Keyword, "Template")
		for _, st := range sc.Steps {
			outline = outline || outlineParam.MatchString(st.Text)
		}
		if outline {
			out = append(out, finding{line: sc.Location.Line, msg: fmt.Sprintf("scenario outline %q has no Examples rows: its <parameters> would be sent literally; add an Examples: table with a row per case", sc.Name)})
		}
	}
	if doc.Feature == nil {
		return nil
	}
	for _, c := range doc.Feature.Children {
		if c.Scenario != nil {
			check(c.Scenario)
		}
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					check(rc.Scenario)
				}
			}
		}
	}
	return out
}

// stepSource is a step's text with its doc string or data table.
func stepSource(s *messages.PickleStep) string {
	text := s.Text
	if s.Argument == nil {
		return text
	}
	if d := s.Argument.DocString; d != nil {
		text += "\n" + d.Content
	}
	if t := s.Argument.DataTable; t != nil {
		for _, row := range t.Rows {
			for _, c := range row.Cells {
				text += "\n" + c.Value
			}
		}
	}
	return text
}

func parseFindings(path string, err error) []finding {
	var out []finding
	for _, line := range strings.Split(err.Error(), "\n") {
		if m := parseErrorLine.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			out = append(out, finding{path: path, line: n, msg: "Gherkin syntax: " + m[2]})
		}
	}
	if len(out) == 0 {
		out = append(out, finding{path: path, line: 1, msg: "Gherkin syntax: " + oneLine(err.Error())})
	}
	return out
}

// keywordOf maps a pickle step's type to the keyword it must match after.
func keywordOf(t messages.PickleStepType) string {
	switch t {
	case messages.PickleStepType_CONTEXT:
		return steps.KeywordGiven
	case messages.PickleStepType_ACTION:
		return steps.KeywordWhen
	case messages.PickleStepType_OUTCOME:
		return steps.KeywordThen
	}
	return steps.KeywordAny
}

// checkStep says what is wrong with one step, or "" when exactly one
// definition matches it.
func checkStep(s *messages.PickleStep, match matcher) string {
	keyword := keywordOf(s.Type)
	matches := match(keyword, s.Text)
	switch {
	case len(matches) == 1:
		return ""
	case len(matches) > 1:
		var patterns []string
		for _, m := range matches {
			patterns = append(patterns, m.Pattern)
		}
		return fmt.Sprintf("ambiguous step: %s %s matches %d definitions:\n    %s", keyword, s.Text, len(matches), strings.Join(patterns, "\n    "))
	}
	if other := match(steps.KeywordAny, s.Text); len(other) > 0 {
		return fmt.Sprintf("wrong keyword: %s %s is a %s step; move it, or start it with %s",
			keyword, s.Text, other[0].Keyword, other[0].Keyword)
	}
	var hints []string
	for _, d := range steps.ClosestSteps(s.Text, 3) {
		hints = append(hints, fmt.Sprintf("%s %s", d.Keyword, d.Example))
	}
	return fmt.Sprintf("undefined step: %s %s\n    closest existing steps:\n      %s\n    (\"harness steps\" lists them all)",
		keyword, s.Text, strings.Join(hints, "\n      "))
}

// stepLines maps the AST id of every scenario, example row and step of
// doc to its line.
func stepLines(doc *messages.GherkinDocument) map[string]int64 {
	lines := map[string]int64{}
	addScenario := func(s *messages.Scenario) {
		lines[s.Id] = s.Location.Line
		for _, ex := range s.Examples {
			for _, row := range ex.TableBody {
				lines[row.Id] = row.Location.Line
			}
		}
	}
	addSteps := func(ss []*messages.Step) {
		for _, s := range ss {
			lines[s.Id] = s.Location.Line
		}
	}
	var walk func(children []*messages.FeatureChild, rules []*messages.RuleChild)
	walk = func(children []*messages.FeatureChild, rules []*messages.RuleChild) {
		for _, c := range children {
			if c.Background != nil {
				addSteps(c.Background.Steps)
			}
			if c.Scenario != nil {
				addScenario(c.Scenario)
				addSteps(c.Scenario.Steps)
			}
			if c.Rule != nil {
				walk(nil, c.Rule.Children)
			}
		}
		for _, c := range rules {
			if c.Background != nil {
				addSteps(c.Background.Steps)
			}
			if c.Scenario != nil {
				addScenario(c.Scenario)
				addSteps(c.Scenario.Steps)
			}
		}
	}
	if doc.Feature != nil {
		walk(doc.Feature.Children, nil)
	}
	return lines
}

// featureTag returns t if it is written on doc's Feature line, else nil.
func featureTag(doc *messages.GherkinDocument, t *messages.Tag) *messages.Tag {
	if slices.Contains(doc.Feature.Tags, t) {
		return t
	}
	return nil
}

// docTags returns every tag written in doc.
func docTags(doc *messages.GherkinDocument) []*messages.Tag {
	if doc.Feature == nil {
		return nil
	}
	tags := slices.Clone(doc.Feature.Tags)
	scenario := func(s *messages.Scenario) {
		tags = append(tags, s.Tags...)
		for _, ex := range s.Examples {
			tags = append(tags, ex.Tags...)
		}
	}
	for _, c := range doc.Feature.Children {
		if c.Scenario != nil {
			scenario(c.Scenario)
		}
		if c.Rule != nil {
			tags = append(tags, c.Rule.Tags...)
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					scenario(rc.Scenario)
				}
			}
		}
	}
	return tags
}

// Tag shapes the harness understands (DESIGN.md, Tags).
var (
	checkIDTag = regexp.MustCompile(`^@[A-Z][0-9]{2}$`)
	areaTag    = regexp.MustCompile(`^@[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	fixedTags  = []string{"@security", "@conformance", "@advisory", "@destructive", "@pending"}
)

// checkTag says what is wrong with a tag, or "" when the harness knows it.
// On the Feature line a lowercase tag such as @orders is an area label; a
// @needs-* tag must name a need the harness can meet or skip; the tags the
// steps' hooks act on (steps.ScenarioTags, such as @forgery) fit anywhere.
func checkTag(name string, onFeature bool, allow map[string]bool) string {
	if need, ok := strings.CutPrefix(name, "@needs-"); ok {
		if slices.Contains(steps.KnownNeeds, need) {
			return ""
		}
		return fmt.Sprintf("unknown need %s: use one of @needs-%s", name, strings.Join(steps.KnownNeeds, ", @needs-"))
	}
	known := slices.Concat(fixedTags, steps.ScenarioTags, []string{"@needs-" + strings.Join(steps.KnownNeeds, " @needs-")})
	switch {
	case allow[name], slices.Contains(fixedTags, name), slices.Contains(steps.ScenarioTags, name),
		checkIDTag.MatchString(name), runner.IsReference(name):
		return ""
	case onFeature && areaTag.MatchString(name) && closestTag(name, known) == "":
		return ""
	}
	msg := fmt.Sprintf("unknown tag %s: tags are a check ID (@T01), a severity (@security, @conformance, @advisory), @needs-*, @destructive, @pending, %s, a reference (@rfcNNNN-S, @cve-YYYY-N, @practice), or an area label such as @orders on the Feature line; --allow-tag adds others", name, strings.Join(steps.ScenarioTags, ", "))
	if c := closestTag(name, known); c != "" {
		msg = fmt.Sprintf("unknown tag %s: did you mean %s?", name, c)
	}
	return msg
}

// closestTag returns the known tag within two edits of name, if any:
// near misses such as @securty are typos, not area labels.
func closestTag(name string, known []string) string {
	var all []string
	for _, k := range known {
		all = append(all, strings.Fields(k)...)
	}
	return suggest.Closest(name, all)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
