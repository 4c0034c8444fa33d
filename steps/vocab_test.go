package steps_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cucumber/gherkin/go/v42"
	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/authconform/authconform/steps"
)

var update = flag.Bool("update", false, "rewrite steps/STEPS.md from the vocabulary")

// fakeTarget describes the fake orders API as a profile would.
func fakeTarget(baseURL string) steps.Target {
	yes := true
	return steps.Target{
		BaseURL:      baseURL,
		Username:     "testuser",
		Password:     steps.NewSecret("testpass"),
		SecondUser:   &steps.Credentials{Username: "admin", Password: steps.NewSecret("adminpass")},
		ScopedUser:   &steps.Credentials{Username: "admin", Password: steps.NewSecret("adminpass"), Scope: "admin orders"},
		ScopedPath:   "/orders",
		SigningKey:   &steps.SigningKey{Alg: "HS256", Key: steps.NewSecret(string(fakeSecret))},
		Capabilities: steps.Capabilities{Refresh: &yes, Scopes: &yes},
	}
}

func newSuite(t *testing.T, target steps.Target) *steps.Suite {
	t.Helper()
	s, err := steps.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// scenarioOutcome is how one scenario of a run ended.
type scenarioOutcome struct {
	name string
	err  error
}

// runFeatures runs the feature files under dir against suite. With
// subtests, each scenario is a subtest of t and must pass; without, the
// outcomes are returned for the caller to judge.
func runFeatures(t *testing.T, suite *steps.Suite, dir string, subtests bool) []scenarioOutcome {
	t.Helper()
	var (
		mu       sync.Mutex
		outcomes []scenarioOutcome
	)
	opts := &godog.Options{
		Format: "progress", Output: &bytes.Buffer{}, NoColors: true,
		FS: os.DirFS(dir), Paths: []string{"."}, Strict: true, Concurrency: 1,
	}
	if subtests {
		opts.TestingT = t
		opts.Randomize = -1
	}
	status := godog.TestSuite{
		Name: "vocabulary",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			suite.InitializeScenario(sc)
			sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
				mu.Lock()
				outcomes = append(outcomes, scenarioOutcome{s.Name, err})
				mu.Unlock()
				return ctx, nil
			})
		},
		Options: opts,
	}.Run()
	if subtests && status != 0 {
		t.Errorf("godog status %d for %s", status, dir)
	}
	return outcomes
}

// TestExamples_fakeOrdersAPI runs the worked examples against the fake
// orders API. Set AUTHCONFORM_EXAMPLES_TARGET to a base URL to run them
// against a real server instead (its users must be those of the reference
// server, and its signing key AUTHCONFORM_EXAMPLES_HS256_KEY).
func TestExamples_fakeOrdersAPI(t *testing.T) {
	target := fakeTarget(startFakeAPI(t).URL)
	if u := os.Getenv("AUTHCONFORM_EXAMPLES_TARGET"); u != "" {
		target.BaseURL = u
		target.SigningKey = nil
		if key := os.Getenv("AUTHCONFORM_EXAMPLES_HS256_KEY"); key != "" {
			target.SigningKey = &steps.SigningKey{Alg: "HS256", Key: steps.NewSecret(key)}
		}
	}
	outcomes := runFeatures(t, newSuite(t, target), "../features/examples", true)
	if len(outcomes) < 12 {
		t.Errorf("ran %d example scenarios, want at least 12", len(outcomes))
	}
}

// TestVocabulary_extras runs the scenarios for the steps the worked
// examples do not show.
func TestVocabulary_extras(t *testing.T) {
	t.Setenv("AUTHCONFORM_TEST_ITEM", `a "quoted" \ item`)
	runFeatures(t, newSuite(t, fakeTarget(startFakeAPI(t).URL)), "testdata/vocab/extras", true)
}

// TestVocabulary_assertionsCanFail runs scenarios that expect what the
// fake API does not answer: each must fail, none may pass or be undefined.
func TestVocabulary_assertionsCanFail(t *testing.T) {
	outcomes := runFeatures(t, newSuite(t, fakeTarget(startFakeAPI(t).URL)), "testdata/vocab/failing", false)
	if len(outcomes) < 16 {
		t.Fatalf("ran %d scenarios, want 16", len(outcomes))
	}
	for _, o := range outcomes {
		t.Logf("%s: %v", o.name, o.err)
		switch {
		case o.err == nil:
			t.Errorf("scenario %q passed, want a failure", o.name)
		case strings.Contains(o.err.Error(), "undefined") || strings.Contains(o.err.Error(), "ambiguous"):
			t.Errorf("scenario %q: %v, want a failure of the step itself", o.name, o.err)
		}
	}
}

// stepTexts returns the steps of the feature files under dirs as godog
// runs them: outlines expanded, each text after the keyword it takes
// ("Given", "When", "Then"), and also after "*".
func stepTexts(t *testing.T, dirs ...string) map[string]bool {
	t.Helper()
	keywords := map[messages.PickleStepType]string{
		messages.PickleStepType_CONTEXT: steps.KeywordGiven,
		messages.PickleStepType_ACTION:  steps.KeywordWhen,
		messages.PickleStepType_OUTCOME: steps.KeywordThen,
	}
	texts := map[string]bool{}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".feature") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			ids := &messages.Incrementing{}
			doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), ids.NewId)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			for _, p := range gherkin.Pickles(*doc, path, ids.NewId) {
				for _, s := range p.Steps {
					texts[keywords[s.Type]+" "+s.Text] = true
					texts["* "+s.Text] = true
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return texts
}

// TestVocabulary_examplesAreExercised checks that each documented example
// matches its own pattern and no other, and is a step of a feature file
// the tests run: the built-in features, the worked examples or the
// vocabulary's own test features.
func TestVocabulary_examplesAreExercised(t *testing.T) {
	texts := stepTexts(t, "../features", "testdata/vocab/extras")
	for _, d := range steps.Vocabulary() {
		t.Run(d.Example, func(t *testing.T) {
			matches := steps.MatchStep(d.Keyword, d.Example)
			if len(matches) != 1 || matches[0].Pattern != d.Pattern {
				var got []string
				for _, m := range matches {
					got = append(got, m.Pattern)
				}
				t.Errorf("example matches %q, want only %s", got, d.Pattern)
			}
			keyword := d.Keyword
			if keyword == steps.KeywordAny {
				keyword = "*"
			}
			if !texts[keyword+" "+d.Example] {
				t.Errorf("example %q is not a step of any feature file the tests run", keyword+" "+d.Example)
			}
		})
	}
}

// TestVocabulary_coversRegisteredSteps compares the documented patterns
// with those godog has registered: a step registered without a StepDoc, or
// documented but not registered, fails.
func TestVocabulary_coversRegisteredSteps(t *testing.T) {
	var out bytes.Buffer
	godog.TestSuite{
		ScenarioInitializer: newSuite(t, fakeTarget("http://127.0.0.1:1")).InitializeScenario,
		Options: &godog.Options{
			ShowStepDefinitions: true, Format: "progress", Output: &out, NoColors: true,
		},
	}.Run()
	// godog colours this listing whatever NoColors says.
	listing := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(out.String(), "")
	var registered []string
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		pattern, _, ok := strings.Cut(line, " # ")
		if !ok {
			t.Fatalf("unexpected step definition line %q", line)
		}
		registered = append(registered, strings.TrimSpace(pattern))
	}
	var documented []string
	for _, d := range steps.Vocabulary() {
		documented = append(documented, d.Pattern)
	}
	for _, p := range registered {
		if !slices.Contains(documented, p) {
			t.Errorf("registered step %s has no StepDoc: add one to steps/vocab_builtin.go", p)
		}
	}
	for _, p := range documented {
		if !slices.Contains(registered, p) {
			t.Errorf("documented step %s is not registered", p)
		}
	}
	if len(registered) != len(documented) {
		t.Errorf("%d steps registered, %d documented", len(registered), len(documented))
	}
}

// TestVocabulary_markdownInSync checks that steps/STEPS.md is what
// WriteMarkdown writes; go test ./steps -run Markdown -update rewrites it.
func TestVocabulary_markdownInSync(t *testing.T) {
	var b bytes.Buffer
	if err := steps.WriteMarkdown(&b, steps.Vocabulary()); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("STEPS.md", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile("STEPS.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, b.Bytes()) {
		t.Error("steps/STEPS.md is out of date: run go test ./steps -run Markdown -update")
	}
}

// TestRegister_godogSeesTheRealDefinitionSite checks that godog, which
// prints each step's definition site in its pretty output, records the
// line that registers the step and not a wrapper around its Given.
func TestRegister_godogSeesTheRealDefinitionSite(t *testing.T) {
	var out bytes.Buffer
	godog.TestSuite{
		ScenarioInitializer: newSuite(t, fakeTarget("http://127.0.0.1:1")).InitializeScenario,
		Options: &godog.Options{
			ShowStepDefinitions: true, Format: "progress", Output: &out, NoColors: true,
		},
	}.Run()
	listing := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(out.String(), "")
	sites := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		p, site, _ := strings.Cut(line, " # ")
		sites[strings.TrimSpace(p)] = strings.TrimSpace(site)
	}
	tests := []struct {
		pattern  string
		wantFile string
	}{
		{pattern: `^a valid access token$`, wantFile: "register.go:"},
		{pattern: `^the client calls the protected resource with the access token$`, wantFile: "register.go:"},
	}
	for _, tt := range tests {
		if got := sites[tt.pattern]; !strings.HasPrefix(got, tt.wantFile) {
			t.Errorf("godog places %s at %q, want %s…", tt.pattern, got, tt.wantFile)
		}
	}
	for p, site := range sites {
		if strings.Contains(site, "stepcache.go") || strings.Contains(site, "autogenerated") {
			t.Errorf("godog places %s at the wrapper %q", p, site)
		}
	}
}
