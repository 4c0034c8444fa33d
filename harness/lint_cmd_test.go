package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authconform/authconform/steps"
)

// runHarness runs the CLI with args and returns its exit code and output.
func runHarness(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, env{
		stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
	})
	return code, stdout.String(), stderr.String()
}

func TestLint_brokenFiles(t *testing.T) {
	tests := []struct {
		name       string
		givenArgs  []string
		wantCode   int
		wantOutput []string
		wantAbsent []string
	}{
		{
			name:      "syntax error with file and line",
			givenArgs: []string{"lint", "testdata/lint/syntax.feature"},
			wantCode:  exitFailed,
			wantOutput: []string{
				filepath.FromSlash("testdata/lint/syntax.feature") + ":5: Gherkin syntax:",
				"got '    this line is not Gherkin'",
			},
		},
		{
			name:      "undefined step with the closest steps",
			givenArgs: []string{"lint", "testdata/lint/steps.feature"},
			wantCode:  exitFailed,
			wantOutput: []string{
				"steps.feature:7: undefined step: When I sent a GET request to \"/orders\"",
				"      When I send a GET request to \"/orders/{{order_id}}\"",
			},
		},
		{
			name:       "step after the wrong keyword",
			givenArgs:  []string{"lint", "testdata/lint/steps.feature"},
			wantCode:   exitFailed,
			wantOutput: []string{"steps.feature:9: wrong keyword: When the response status should be 200 is a Then step"},
		},
		{
			name:      "unknown tags, with a suggestion for a typo",
			givenArgs: []string{"lint", "testdata/lint/steps.feature"},
			wantCode:  exitFailed,
			wantOutput: []string{
				"steps.feature:4: unknown tag @securty: did you mean @security?",
				"steps.feature:4: unknown need @needs-magic",
				"steps.feature:4: unknown tag @smoke",
			},
			wantAbsent: []string{"steps.feature:1:", "steps.feature:11:", "steps.feature:13:", "@Q01"},
		},
		{
			name:       "an allowed tag is not reported",
			givenArgs:  []string{"lint", "--allow-tag", "smoke", "testdata/lint/steps.feature"},
			wantCode:   exitFailed,
			wantAbsent: []string{"@smoke"},
		},
		{
			name:       "a directory is searched",
			givenArgs:  []string{"lint", "testdata/lint"},
			wantCode:   exitFailed,
			wantOutput: []string{"syntax.feature:5:", "steps.feature:7:"},
			wantAbsent: []string{"clean.feature"},
		},
		{
			name:      "scenario tags: no check ID, no severity, a built-in ID, a forbidden env var",
			givenArgs: []string{"lint", "testdata/lint/tags/tags.feature"},
			wantCode:  exitFailed,
			wantOutput: []string{
				`tags.feature:3: scenario "a scenario without check ID or severity" has no check ID`,
				`tags.feature:3: scenario "a scenario without check ID or severity" has no severity`,
				"tags.feature:9: note: @T01 is a built-in check ID",
				"tags.feature:17: {{env.HOME}}: only environment variables whose names start with AUTHCONFORM_ may be read",
			},
		},
		{
			name:       "a Scenario Outline without Examples",
			givenArgs:  []string{"lint", "testdata/lint/outline"},
			wantCode:   exitFailed,
			wantOutput: []string{`outline.feature:4: scenario outline "Q10 each order path answers" has no Examples rows: its <parameters> would be sent literally`},
		},
		{
			name:       "an unset env var is a note only: lint may run elsewhere",
			givenArgs:  []string{"lint", "testdata/lint/envvar"},
			wantCode:   exitOK,
			wantOutput: []string{"envvar.feature:6: note: {{env.AUTHCONFORM_ORDER_ID}}: AUTHCONFORM_ORDER_ID is not set", "no problems found"},
		},
		{
			name:       "a clean file",
			givenArgs:  []string{"lint", "testdata/lint/clean.feature"},
			wantCode:   exitOK,
			wantOutput: []string{"1 feature file(s): no problems found"},
		},
		{
			name:       "the built-in features and the worked examples",
			givenArgs:  []string{"lint", "../features"},
			wantCode:   exitOK,
			wantOutput: []string{"no problems found"},
		},
		{
			name:       "no arguments: the embedded features",
			givenArgs:  []string{"lint"},
			wantCode:   exitOK,
			wantOutput: []string{"no problems found"},
		},
		{
			name:      "a missing path is a usage error",
			givenArgs: []string{"lint", "testdata/lint/missing.feature"},
			wantCode:  exitUsage,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runHarness(t, tt.givenArgs...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; stdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			for _, want := range tt.wantOutput {
				if !strings.Contains(stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, stdout)
				}
			}
			for _, absent := range tt.wantAbsent {
				if strings.Contains(stdout, absent) {
					t.Errorf("output has %q:\n%s", absent, stdout)
				}
			}
		})
	}
}

// TestLint_ambiguousStep feeds the linter a matcher that finds two
// definitions: the vocabulary itself has no ambiguous example (a steps
// test makes sure), so the report is shown with a made-up pair.
func TestLint_ambiguousStep(t *testing.T) {
	twice := func(string, string) []steps.StepDoc {
		return []steps.StepDoc{{Pattern: `^a (.*)$`}, {Pattern: `^(.*) step$`}}
	}
	src := []byte("Feature: f\n  @Q01 @advisory\n  Scenario: Q01 s\n    Given a step\n")
	got := linter{match: twice, forRun: true}.file("f.feature", src)
	if len(got) != 1 || got[0].line != 4 || !strings.Contains(got[0].msg, "ambiguous step: Given a step matches 2 definitions") {
		t.Fatalf("findings %v, want one ambiguous step on line 4", got)
	}
}

func TestSteps_listsEveryStep(t *testing.T) {
	code, stdout, _ := runHarness(t, "steps")
	if code != exitOK {
		t.Fatalf("exit code %d", code)
	}
	for _, d := range steps.Vocabulary() {
		if !strings.Contains(stdout, d.Pattern) || !strings.Contains(stdout, d.Example) {
			t.Errorf("harness steps lacks %s or its example", d.Pattern)
		}
	}
}

// TestSteps_markdownIsCommitted checks that "harness steps --markdown"
// writes the committed steps/STEPS.md.
func TestSteps_markdownIsCommitted(t *testing.T) {
	code, stdout, _ := runHarness(t, "steps", "--markdown")
	if code != exitOK {
		t.Fatalf("exit code %d", code)
	}
	committed, err := os.ReadFile("../steps/STEPS.md")
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(committed) {
		t.Error("harness steps --markdown differs from steps/STEPS.md: run go test ./steps -run Markdown -update")
	}
}

// TestCheckTag_scenarioTags shows that the tags the steps' hooks act on
// are accepted on a scenario as on a feature, and that a near miss of one
// is reported as a typo.
func TestCheckTag_scenarioTags(t *testing.T) {
	tests := []struct {
		name          string
		givenTag      string
		givenFeature  bool
		wantMsgPrefix string
	}{
		{name: "@forgery on a scenario", givenTag: "@forgery"},
		{name: "@persistence on a scenario", givenTag: "@persistence"},
		{name: "@forgery on the Feature line", givenTag: "@forgery", givenFeature: true},
		{name: "a typo of @persistence", givenTag: "@persistance", wantMsgPrefix: "unknown tag @persistance: did you mean @persistence?"},
		{name: "a typo on the Feature line is no area label", givenTag: "@forgry", givenFeature: true, wantMsgPrefix: "unknown tag @forgry: did you mean @forgery?"},
		{name: "a new need of the catalogue", givenTag: "@needs-resource-client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkTag(tt.givenTag, tt.givenFeature, nil)
			if tt.wantMsgPrefix == "" && got != "" || !strings.HasPrefix(got, tt.wantMsgPrefix) {
				t.Errorf("checkTag(%q) = %q, want %q", tt.givenTag, got, tt.wantMsgPrefix)
			}
		})
	}
}
