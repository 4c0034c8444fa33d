package runner_test

import (
	"testing"

	"github.com/authconform/authconform/harness/internal/runner"
)

func scenarioResult(id, severity string, v runner.Verdict) runner.ScenarioResult {
	return runner.ScenarioResult{
		Meta:    runner.Meta{CheckID: id, Severity: severity},
		Name:    id + " " + severity + " " + string(v),
		Verdict: v,
	}
}

func TestByCheck_aggregation(t *testing.T) {
	const (
		sec  = runner.SeveritySecurity
		conf = runner.SeverityConformance
		adv  = runner.SeverityAdvisory
	)
	type given struct {
		severity string
		verdict  runner.Verdict
	}
	tests := []struct {
		name         string
		given        []given
		wantVerdict  runner.Verdict
		wantSeverity string
	}{
		{
			name:         "passed and skipped is passed",
			given:        []given{{sec, runner.Passed}, {adv, runner.Skipped}},
			wantVerdict:  runner.Passed,
			wantSeverity: sec,
		},
		{
			name:         "skipped then passed is passed",
			given:        []given{{adv, runner.Skipped}, {sec, runner.Passed}},
			wantVerdict:  runner.Passed,
			wantSeverity: sec,
		},
		{
			name:         "all skipped is skipped",
			given:        []given{{conf, runner.Skipped}, {adv, runner.Skipped}},
			wantVerdict:  runner.Skipped,
			wantSeverity: conf,
		},
		{
			name:         "an advisory failure keeps the security tag",
			given:        []given{{sec, runner.Passed}, {adv, runner.Failed}},
			wantVerdict:  runner.Failed,
			wantSeverity: sec,
		},
		{
			name:         "a failure first keeps the security tag",
			given:        []given{{adv, runner.Failed}, {sec, runner.Passed}},
			wantVerdict:  runner.Failed,
			wantSeverity: sec,
		},
		{
			name:         "security outranks conformance whatever the order",
			given:        []given{{conf, runner.Failed}, {adv, runner.Passed}, {sec, runner.Skipped}},
			wantVerdict:  runner.Failed,
			wantSeverity: sec,
		},
		{
			name:         "pending outranks passed",
			given:        []given{{conf, runner.Passed}, {conf, runner.Pending}},
			wantVerdict:  runner.Pending,
			wantSeverity: conf,
		},
		{
			name:         "undefined outranks pending, failed outranks both",
			given:        []given{{conf, runner.Undefined}, {conf, runner.Failed}, {conf, runner.Pending}},
			wantVerdict:  runner.Failed,
			wantSeverity: conf,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var results []runner.ScenarioResult
			for _, g := range tt.given {
				results = append(results, scenarioResult("T05", g.severity, g.verdict))
			}
			checks := runner.ByCheck(results)
			if len(checks) != 1 {
				t.Fatalf("got %d checks, want 1", len(checks))
			}
			c := checks[0]
			if c.Verdict != tt.wantVerdict || c.Severity != tt.wantSeverity {
				t.Errorf("got %s %s, want %s %s", c.Verdict, c.Severity, tt.wantVerdict, tt.wantSeverity)
			}
			if len(c.Scenarios) != len(tt.given) {
				t.Errorf("got %d scenarios, want %d", len(c.Scenarios), len(tt.given))
			}
		})
	}
}
