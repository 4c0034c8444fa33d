package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseHarness(t *testing.T) {
	const summary = "     SEVERITY  PASSED  FAILED  WARNING  SKIPPED  TOTAL\n" +
		"     security      22       0        0        1     23\n" +
		"  conformance      33       0        0        2     35\n" +
		"     advisory      22       0        2        3     27\n" +
		"          all      77       0        2        6     85\n"
	cases := []struct {
		name   string
		output string
		want   counts
	}{
		{
			name:   "full run",
			output: "...... 555\n\n\n151 scenarios (149 passed, 2 failed)\n555 steps (526 passed)\n3.4s\n\nCHECK  SEVERITY\n\n" + summary,
			want:   counts{Checks: 79, Scenarios: 151, Skipped: 0},
		},
		{
			name: "some scenarios skipped",
			output: "16 scenarios (13 passed, 1 failed, 2 skipped)\n" +
				"          all       9       1        0        2     12\n",
			want: counts{Checks: 10, Scenarios: 16, Skipped: 2},
		},
		{
			name:   "one scenario",
			output: "1 scenario (1 passed)\n          all       1       0        0        0      1\n",
			want:   counts{Checks: 1, Scenarios: 1, Skipped: 0},
		},
		{
			name:   "unrecognised output",
			output: "harness: no verdict possible\n",
			want:   counts{Checks: -1, Scenarios: -1, Skipped: -1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseHarness(tc.output); got != tc.want {
				t.Errorf("parseHarness = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLongestWait(t *testing.T) {
	cases := []struct {
		name   string
		output string
		want   time.Duration
	}{
		{name: "none", output: "...... 70\n", want: 0},
		{
			name: "two waits",
			output: "....harness: E01 expiry of a real token: waiting 8s\n..\n" +
				"harness: E01 expiry of a real token: 3s left\nharness: X99 other: waiting 1m2s\n",
			want: 62 * time.Second,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := longestWait(tc.output); got != tc.want {
				t.Errorf("longestWait = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestParsePytest(t *testing.T) {
	cases := []struct {
		name   string
		output string
		want   counts
	}{
		{name: "quiet", output: "....   [100%]\n4 passed in 0.41s\n", want: counts{Checks: 4, Scenarios: 4, Skipped: 0}},
		{
			name:   "mixed",
			output: "=== 3 passed, 1 failed, 2 skipped, 5 deselected in 1.20s ===\n",
			want:   counts{Checks: 4, Scenarios: 6, Skipped: 2},
		},
		{name: "no summary", output: "ERROR: file not found\n", want: counts{Checks: -1, Scenarios: -1, Skipped: -1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := parsePytest(tc.output); got != tc.want {
				t.Errorf("parsePytest = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseStatCPU(t *testing.T) {
	cases := []struct {
		name    string
		stat    string
		want    time.Duration
		wantErr bool
	}{
		{
			name: "command with spaces",
			stat: "4242 (my server) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 25 0 0 20 0 8 0 100 1000 500",
			want: 1750 * time.Millisecond,
		},
		{name: "truncated", stat: "4242 (x) S 1 2 3", wantErr: true},
		{name: "no command", stat: "garbage", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatCPU(tc.stat)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("parseStatCPU = %v, %v; want %v, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestCountTag_countsTaggedScenarioLines(t *testing.T) {
	dir := t.TempDir()
	feature := "@wip\nFeature: f\n\n  @T07 @needs-wait @security\n  Scenario: T07 waits\n" +
		"    Given a token that says @needs-wait in prose\n\n  @T08 @needs-waiting\n  Scenario: T08\n"
	if err := os.WriteFile(filepath.Join(dir, "a.feature"), []byte(feature), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := countTag(dir, "@needs-wait")
	if err != nil || got != 1 {
		t.Errorf("countTag = %d, %v; want 1", got, err)
	}
}

func TestGoals_verdictsFromFigures(t *testing.T) {
	r := &results{machine: machine{Cores: 2}}
	r.harnessDefault = suiteRun{Wall: 300 * time.Millisecond, PeakRSS: 20e6, Counts: counts{Checks: 10}}
	r.harnessSerial = suiteRun{Wall: 500 * time.Millisecond, PeakRSS: 120e6, Counts: counts{Checks: 10}}
	r.servers = []serverResult{
		{name: nameCeiling, rows: []loadRow{{request: reqCeiling, res: loadResult{RPS: 1000, P99: 10 * time.Millisecond}}}},
		{name: nameReference, peakRSS: 30e6, rows: []loadRow{{request: reqSecureData, res: loadResult{RPS: 800, P99: 25 * time.Millisecond}}}},
	}
	want := map[string]string{
		"default suite wall, waiting excluded (2 cores)":    "met",
		"cost per check: pytest ÷ harness (wall)":           "not measured",
		"GET /secure-data: reference ÷ bare handler, req/s": "met",
		"GET /secure-data: reference ÷ FastAPI, req/s":      "not measured",
		"GET /secure-data: p99 reference ÷ bare handler":    "NOT MET",
		"harness peak memory (embedded server included)":    "NOT MET",
		"reference server peak memory under load":           "met",
		"added wall of waiting scenarios":                   "not measured",
	}
	for _, g := range r.goals() {
		if got := verdict(g.met); got != want[g.name] {
			t.Errorf("%s: verdict %q, want %q (measured %s)", g.name, got, want[g.name], g.measured)
		}
	}
}
