package detection_test

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform/harness/internal/embedded"
	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/reference-server/server"
	"github.com/authconform/authconform/steps"
)

var (
	all    = flag.Bool("detect.all", false, "run every fault (make detect), not only the quick subset")
	update = flag.Bool("update", false, "rewrite testdata/table.md and the README section (needs -detect.all)")
)

// Timing of the configs that wait: tokens that expire quickly, and a
// maximum wait that covers them (E01) or the throttle's lock-out (T17).
const (
	shortLifetime = 2 * time.Second
	waitForExpiry = 20 * time.Second
	waitForUnlock = server.DefaultThrottleLockout + 10*time.Second
)

// advisoryAgainstReference are the checks the correct server fails on
// purpose: it offers the password grant, which RFC 9700 §2.4 deprecates
// (runner_test.go says the same).
var advisoryAgainstReference = map[string]bool{"T18": true, "D03": true}

// outcome is what one run of the suite found.
type outcome struct {
	preflight error
	checks    map[string]runner.CheckResult
	err       error // the run could not happen
}

// run starts the reference server with cfg and faults, and runs the
// selected scenarios (tags; "" for all) against it.
func run(ctx context.Context, cfg config, faults []string, tags string) outcome {
	opts := embedded.Options{Alg: cfg.alg, InsecureFaults: faults}
	if cfg.wait {
		opts.TokenLifetime, opts.Leeway = shortLifetime, -1
	}
	emb, err := embedded.Start(ctx, opts)
	if err != nil {
		return outcome{err: err}
	}
	defer emb.Stop()

	target := emb.Target
	if cfg.wait {
		target.MaxWait = max(waitForExpiry, waitForUnlock)
	}
	target.Destructive = cfg.destructive
	target.TimingTolerance = suiteTimingTolerance
	suite, err := steps.New(target)
	if err != nil {
		return outcome{err: err}
	}
	defer suite.Close()

	o := outcome{preflight: suite.Preflight(ctx), checks: map[string]runner.CheckResult{}}
	res, err := runner.Run(ctx, runner.Options{Suite: suite, Tags: tags, Format: "progress", Concurrency: 4})
	if err != nil {
		return outcome{err: err}
	}
	for _, c := range res.Checks {
		o.checks[c.CheckID] = c
	}
	return o
}

// pool runs suites in the background, a few at a time, so that every
// fault's run can start before its subtest (the go test -parallel limit is
// GOMAXPROCS, and a run spends much of its time waiting on loopback).
type pool struct {
	ctx context.Context
	sem chan struct{}
}

func newPool(ctx context.Context) *pool {
	return &pool{ctx: ctx, sem: make(chan struct{}, 8*runtime.GOMAXPROCS(0))}
}

// start runs the suite in the background and returns a function that
// waits for its outcome.
func (p *pool) start(cfg config, faults []string, tags string) func() outcome {
	var o outcome
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.sem <- struct{}{}
		defer func() { <-p.sem }()
		o = run(p.ctx, cfg, faults, tags)
	}()
	return func() outcome { <-done; return o }
}

var quoted = regexp.MustCompile(`"[^"]*"`)

// verdicts is a run's verdict per check, with the reasons of skipped
// scenarios: a check must be skipped for the same reason as against the
// correct server.
func verdicts(c runner.CheckResult) string {
	if c.Verdict != runner.Skipped {
		return string(c.Verdict)
	}
	var reasons []string
	for _, s := range c.Scenarios {
		// Quoted values (a kid, a marker) differ from run to run.
		msg := quoted.ReplaceAllString(s.Message, `"…"`)
		if s.Verdict == runner.Skipped && !slices.Contains(reasons, msg) {
			reasons = append(reasons, msg)
		}
	}
	sort.Strings(reasons)
	return "skipped (" + strings.Join(reasons, "; ") + ")"
}

// failure describes a failed check for a test log.
func failure(c runner.CheckResult) string {
	s, ok := c.FirstFailure()
	if !ok {
		return string(c.Verdict)
	}
	if s.Expected != "" {
		return fmt.Sprintf("%s %s → %d: expected %s, got %s", s.Method, s.Path, s.Status, s.Expected, s.Got)
	}
	return s.Message
}

// verdict is one fault's result against its baseline.
type verdict struct {
	missed        []string // expected to fail, did not
	falseFailures []string // failed, not expected to
	other         []string // passed or skipped differently from the baseline
}

func (v verdict) caught() bool { return len(v.missed) == 0 }

// compare judges got, a run with a fault, against base, the correct
// server's run in the same algorithm: the checks in want fail, the checks
// the config enables pass, and every other check has the baseline's
// verdict (advisory warnings included).
func compare(want, enabled map[string]bool, base, got map[string]runner.CheckResult) verdict {
	var v verdict
	ids := map[string]bool{}
	for id := range base {
		ids[id] = true
	}
	for id := range got {
		ids[id] = true
	}
	for _, id := range sortedKeys(ids) {
		g, ok := got[id]
		switch {
		case !ok:
			v.other = append(v.other, id+": did not run")
		case want[id]:
			if g.Verdict != runner.Failed {
				v.missed = append(v.missed, fmt.Sprintf("%s: %s", id, verdicts(g)))
			}
		case enabled[id] && g.Verdict == runner.Passed:
		case g.Verdict == runner.Failed && (enabled[id] || base[id].Verdict != runner.Failed):
			v.falseFailures = append(v.falseFailures, fmt.Sprintf("%s (%s): %s", id, g.Severity, failure(g)))
		case enabled[id]:
			v.other = append(v.other, fmt.Sprintf("%s: %s, want passed", id, verdicts(g)))
		case verdicts(g) != verdicts(base[id]):
			v.other = append(v.other, fmt.Sprintf("%s: %s, against the correct server %s", id, verdicts(g), verdicts(base[id])))
		}
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestTable_coversEveryFault keeps the table and the server's faults in
// step, and the expected checks real: each names a check the suite has.
func TestTable_coversEveryFault(t *testing.T) {
	known := map[string]bool{}
	for _, f := range server.Faults() {
		known[f.Name] = true
		r, ok := table[f.Name]
		switch {
		case !ok:
			t.Errorf("fault %s: no row in the detection table", f.Name)
		case r.family == "":
			t.Errorf("fault %s: no family", f.Name)
		case len(f.Checks) == 0:
			t.Errorf("fault %s: no checks it should make fail", f.Name)
		}
	}
	for name := range table {
		if !known[name] {
			t.Errorf("table row %s: the server has no such fault", name)
		}
	}
	if len(known) < 30 {
		t.Errorf("%d faults, want at least 30", len(known))
	}
}

// TestDetection runs the suite against the correct server and against the
// server with each deliberate fault, and checks that exactly the fault's
// checks fail. Without -detect.all it runs the quick subset, one fault or
// two per family.
func TestDetection(t *testing.T) {
	if *update && !*all {
		t.Fatal("-update needs -detect.all: the score comes from the full run")
	}
	ctx := context.Background()
	p := newPool(ctx)

	faults := server.Faults()
	if !*all {
		faults = slices.DeleteFunc(faults, func(f server.Fault) bool { return !table[f.Name].quick })
	}
	baselines := map[config]func() outcome{}
	for _, f := range faults {
		b := table[f.Name].cfg.baseline()
		if baselines[b] == nil {
			baselines[b] = p.start(b, nil, "")
		}
	}
	runs := map[string]func() outcome{}
	for _, f := range faults {
		runs[f.Name] = p.start(table[f.Name].cfg, []string{f.Name}, "")
	}
	// The configs that enable a check, against the correct server: the
	// check passes there, so a fault's failure is the fault's doing.
	enabling := map[string]func() outcome{}
	if *all {
		enabling["E01"] = p.start(config{wait: true}, nil, "@E01")
		// T17 locks the valid user out: it runs alone, and waits for the
		// lock-out to end.
		enabling["T17"] = p.start(config{wait: true, destructive: true}, nil, "@T17")
	}

	t.Run("correct", func(t *testing.T) {
		for _, b := range sortedConfigs(baselines) {
			t.Run(b.name(), func(t *testing.T) { checkCorrect(t, baselines[b]()) })
		}
		for id, wait := range enabling {
			t.Run(id, func(t *testing.T) {
				o := wait()
				if o.err != nil || o.preflight != nil {
					t.Fatalf("run: %v; preflight: %v", o.err, o.preflight)
				}
				if c := o.checks[id]; c.Verdict != runner.Passed {
					t.Errorf("check %s: %s: %s", id, verdicts(c), failure(c))
				}
			})
		}
	})

	var mu sync.Mutex
	results := map[string]verdict{}
	t.Run("fault", func(t *testing.T) {
		for _, f := range faults {
			t.Run(f.Name, func(t *testing.T) {
				t.Parallel()
				v := checkFault(t, f, baselines[table[f.Name].cfg.baseline()](), runs[f.Name]())
				mu.Lock()
				results[f.Name] = v
				mu.Unlock()
			})
		}
	})

	s := score(results)
	t.Log("detection score: " + s)
	if t.Failed() {
		return
	}
	base := baselines[config{}]
	if base == nil {
		base = p.start(config{}, nil, "")
	}
	checkGolden(t, sortedKeys(base().checks), s)
}

// checkCorrect asserts that every check passes against the correct
// server, but the advisory warnings every password-grant server gets and
// the checks that cannot run against it.
func checkCorrect(t *testing.T, o outcome) {
	t.Helper()
	if o.err != nil || o.preflight != nil {
		t.Fatalf("run: %v; preflight: %v", o.err, o.preflight)
	}
	if len(o.checks) < 80 {
		t.Errorf("ran %d checks, want the catalogue's (at least 80)", len(o.checks))
	}
	for _, id := range sortedKeys(o.checks) {
		c := o.checks[id]
		switch {
		case c.Verdict == runner.Passed, c.Verdict == runner.Skipped:
			// Which checks skip, and why, is runner_test.go's concern; a
			// fault's run must skip the same ones for the same reasons.
		case c.Verdict == runner.Failed && advisoryAgainstReference[id] && !c.Required():
		default:
			t.Errorf("check %s: %s: %s", id, verdicts(c), failure(c))
		}
	}
}

// checkFault asserts that exactly the fault's checks fail.
func checkFault(t *testing.T, f server.Fault, base, o outcome) verdict {
	t.Helper()
	r := table[f.Name]
	if base.err != nil || o.err != nil {
		t.Fatalf("run against the correct server: %v; with the fault: %v", base.err, o.err)
	}
	switch {
	case r.noVerdict && o.preflight == nil:
		t.Errorf("preflight passed, want it to refuse the target (exit 3, no verdict)")
	case !r.noVerdict && o.preflight != nil:
		t.Errorf("preflight: %v", o.preflight)
	}

	want := map[string]bool{}
	for _, id := range f.Checks {
		want[id] = true
	}
	v := compare(want, r.cfg.enabled(), base.checks, o.checks)
	if r.noVerdict && o.preflight == nil {
		v.missed = append(v.missed, "preflight")
	}
	for _, m := range v.missed {
		t.Errorf("not caught: %s", m)
	}
	for _, m := range v.falseFailures {
		t.Errorf("false failure: %s", m)
	}
	for _, m := range v.other {
		t.Errorf("unexpected: %s", m)
	}
	return v
}

func sortedConfigs(m map[config]func() outcome) []config {
	cs := make([]config, 0, len(m))
	for c := range m {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(a, b int) bool { return cs[a].String() < cs[b].String() })
	return cs
}

// score is the detection score of a run: faults caught and false failures.
func score(results map[string]verdict) string {
	caught, falses := 0, 0
	for _, v := range results {
		if v.caught() {
			caught++
		}
		falses += len(v.falseFailures)
	}
	pct := 0.0
	if len(results) > 0 {
		pct = 100 * float64(caught) / float64(len(results))
	}
	return fmt.Sprintf("%d of %d faults caught (%.0f%%), %d false failures", caught, len(results), pct, falses)
}

// suiteTimingTolerance relaxes T07's latency comparison in the fault
// matrix: dozens of suites share two cores here (under -race in make test),
// and their scheduling noise, not the server, decides latencies of a few
// milliseconds. No fault is about timing; T07's status and error half still
// runs (user-enumeration), and steps' unit tests show the timing half
// telling a slow side from spikes.
const suiteTimingTolerance = time.Minute
