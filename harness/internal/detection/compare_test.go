package detection_test

import (
	"testing"

	"github.com/authconform/authconform/harness/internal/runner"
)

// check builds a one-scenario check result.
func check(id string, v runner.Verdict, skipReason string) runner.CheckResult {
	meta := runner.Meta{CheckID: id, Severity: runner.SeverityConformance}
	return runner.CheckResult{Meta: meta, Verdict: v,
		Scenarios: []runner.ScenarioResult{{Meta: meta, Verdict: v, Message: skipReason}}}
}

// TestCompare shows the judge of a fault's run can fail it: a missed
// check, a false failure and a changed skip are each reported.
func TestCompare(t *testing.T) {
	base := map[string]runner.CheckResult{
		"T01": check("T01", runner.Passed, ""),
		"T18": check("T18", runner.Failed, ""),
		"E01": check("E01", runner.Skipped, "@needs-wait: off"),
		"F08": check("F08", runner.Skipped, `@needs-pub: no key for kid "a"`),
	}
	tests := []struct {
		name              string
		givenWant         []string
		givenEnabled      []string
		whenGot           map[string]runner.Verdict
		wantMissed        int
		wantFalseFailures int
		wantOther         int
	}{
		{name: "exactly the expected check fails", givenWant: []string{"T01"},
			whenGot: map[string]runner.Verdict{"T01": runner.Failed}},
		{name: "the expected check passes", givenWant: []string{"T01"},
			whenGot: map[string]runner.Verdict{"T01": runner.Passed}, wantMissed: 1},
		{name: "another check fails", givenWant: []string{"T18"},
			whenGot: map[string]runner.Verdict{"T01": runner.Failed}, wantMissed: 0, wantFalseFailures: 1},
		{name: "an enabled check passes", givenEnabled: []string{"E01"},
			whenGot: map[string]runner.Verdict{"E01": runner.Passed}},
		{name: "an enabled check stays skipped", givenEnabled: []string{"E01"},
			whenGot: map[string]runner.Verdict{}, wantOther: 1},
		{name: "a skipped check passes", whenGot: map[string]runner.Verdict{"F08": runner.Passed}, wantOther: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]runner.CheckResult{}
			for id, c := range base {
				got[id] = c
			}
			// The same skip for another kid is the same skip.
			got["F08"] = check("F08", runner.Skipped, `@needs-pub: no key for kid "b"`)
			for id, v := range tt.whenGot {
				got[id] = check(id, v, "")
			}
			want, enabled := set(tt.givenWant), set(tt.givenEnabled)
			v := compare(want, enabled, base, got)
			if len(v.missed) != tt.wantMissed || len(v.falseFailures) != tt.wantFalseFailures || len(v.other) != tt.wantOther {
				t.Errorf("missed %q, false failures %q, other %q; want %d, %d, %d",
					v.missed, v.falseFailures, v.other, tt.wantMissed, tt.wantFalseFailures, tt.wantOther)
			}
		})
	}
}

func set(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}
