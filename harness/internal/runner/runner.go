package runner

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/features"
	"github.com/authconform/authconform/steps"
)

// DefaultConcurrency is how many scenarios run at once unless told
// otherwise. Scenarios are independent by design (each has its own state),
// and most of their time is spent waiting on the target.
const DefaultConcurrency = 4

// ErrSuiteSetup means godog refused the run before any scenario started:
// unparsable feature files or a bad option. godog has already printed why
// to stderr.
var ErrSuiteSetup = errors.New("the feature files could not be loaded")

// Options configure one run.
type Options struct {
	// Suite drives the target. Required.
	Suite *steps.Suite
	// FS and Paths locate the feature files. Default: the built-in ones.
	FS    fs.FS
	Paths []string
	// Tags is a godog tag expression selecting scenarios.
	Tags string
	// Concurrency is how many scenarios run at once. Default
	// DefaultConcurrency.
	Concurrency int
	// Format is the godog formatter for Output, "pretty" by default.
	Format   string
	Output   io.Writer
	NoColors bool
	// Randomize shuffles scenarios with this seed when not 0 (-1: pick one).
	Randomize int64
	// FailFast stops the run after the first failed required check
	// (@security or @conformance): the scenarios not yet started are
	// recorded as NotRun with the reason. An advisory warning never stops
	// it.
	FailFast bool
	// TestingT, when set, runs each scenario as a subtest of it.
	TestingT *testing.T
}

// Result is the outcome of a run.
type Result struct {
	Scenarios []ScenarioResult
	Checks    []CheckResult
	// Stopped says why scenarios were left out ("" if none was): the
	// failed check that stopped a --fail-fast run, or "interrupted".
	Stopped string
}

// Reasons a scenario is NotRun.
const (
	ReasonInterrupted = "interrupted"
	reasonFailFast    = "--fail-fast: stopped after "
)

// Run runs the selected scenarios against opts.Suite's target and returns
// their verdicts. An error means the run could not start.
//
// Run probes the target first (steps.Suite.Probe, a no-op if Preflight has
// already run it), so that @needs-* tags see the detected capabilities. A
// probe that cannot log in is not an error here: the scenarios then fail
// or skip with the reason, and Preflight is where a caller stops early.
// Scenarios that wait (@needs-wait) overlap the rest: the probe's login
// starts their clock, so the run lasts about as long as the longest wait.
func Run(ctx context.Context, opts Options) (Result, error) {
	_ = opts.Suite.Probe(ctx)
	if opts.FS == nil {
		opts.FS, opts.Paths = features.FS, []string{"."}
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Format == "" {
		opts.Format = "pretty"
	}
	if opts.Output == nil {
		opts.Output = io.Discard
	}

	c := collector{suite: opts.Suite, run: ctx, failFast: opts.FailFast, cancelled: map[string]string{}}
	suite := godog.TestSuite{
		Name: "authconform",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			// First, so that a cancelled scenario never reaches the
			// steps' own hooks.
			sc.Before(c.before)
			opts.Suite.InitializeScenario(sc)
			sc.After(c.after)
		},
		Options: &godog.Options{
			Format:         opts.Format,
			Output:         opts.Output,
			NoColors:       opts.NoColors,
			Paths:          opts.Paths,
			FS:             opts.FS,
			Tags:           opts.Tags,
			Concurrency:    opts.Concurrency,
			Randomize:      opts.Randomize,
			Strict:         true,
			DefaultContext: ctx,
			TestingT:       opts.TestingT,
		},
	}
	if status := suite.Run(); status == 2 {
		return Result{}, ErrSuiteSetup
	}
	results := c.results()
	return Result{Scenarios: results, Checks: ByCheck(results), Stopped: c.stopReason()}, nil
}

// collector records each scenario's verdict; scenarios may end
// concurrently. It also cancels the scenarios not yet started once the
// run is interrupted (run is done) or, with failFast, once a required
// check has failed: godog's own StopOnFailure would stop at any failure,
// advisory ones included, and leave no trace of what it did not run.
type collector struct {
	suite    *steps.Suite
	run      context.Context
	failFast bool

	stopped atomic.Pointer[string] // why scenarios are cancelled

	mu        sync.Mutex
	entries   []ScenarioResult
	cancelled map[string]string // scenario ID to the reason it did not run
}

// stopReason is why the run cancels scenarios, "" while it does not.
func (c *collector) stopReason() string {
	if c.run.Err() != nil {
		return ReasonInterrupted
	}
	if p := c.stopped.Load(); p != nil {
		return *p
	}
	return ""
}

func (c *collector) before(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	reason := c.stopReason()
	if reason == "" {
		return ctx, nil
	}
	// A scenario whose needs are unmet would be skipped anyway: it is
	// reported skipped with that reason, not "not run", so that a stop
	// hides no skip. The steps' own hook skips it.
	tags := make([]string, len(sc.Tags))
	for i, t := range sc.Tags {
		tags[i] = t.Name
	}
	if c.suite.SkipReason(tags) != "" {
		return ctx, nil
	}
	c.mu.Lock()
	c.cancelled[sc.Id] = reason
	c.mu.Unlock()
	return ctx, godog.ErrSkip
}

func (c *collector) after(ctx context.Context, sc *godog.Scenario, err error) (context.Context, error) {
	tags := make([]string, len(sc.Tags))
	for i, t := range sc.Tags {
		tags[i] = t.Name
	}
	r := ScenarioResult{Meta: ParseTags(tags), Name: sc.Name, URI: sc.Uri}
	r.Verdict, r.Message = verdictOf(err)
	c.mu.Lock()
	cancelled, wasCancelled := c.cancelled[sc.Id]
	c.mu.Unlock()
	switch reason := c.suite.SkipReason(tags); {
	case wasCancelled:
		r.Verdict, r.Message = NotRun, cancelled
	case r.Verdict != Passed && c.run.Err() != nil:
		// Cut short by the interrupt: its failure says nothing about
		// the target.
		r.Verdict, r.Message = NotRun, ReasonInterrupted
	case err == nil && reason != "":
		// godog hides a Before hook's skip from After hooks.
		r.Verdict, r.Message = Skipped, reason
	}
	if c.failFast && r.Verdict == Failed && r.Required() {
		why := reasonFailFast + orUnnamed(r.CheckID, r.Name) + " failed"
		c.stopped.CompareAndSwap(nil, &why)
	}
	var ce *steps.CheckError
	if errors.As(err, &ce) {
		r.Expected, r.Got = ce.Expected, ce.Got
		r.Method, r.Path, r.Status = ce.Method, ce.Path, ce.Status
		r.Exchange = ce.Exchange
	}

	c.mu.Lock()
	c.entries = append(c.entries, r)
	c.mu.Unlock()
	// The scenario's error is already its verdict; returning it again would
	// make godog print it twice.
	return ctx, nil
}

func (c *collector) results() []ScenarioResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]ScenarioResult(nil), c.entries...)
}

func orUnnamed(id, name string) string {
	if id != "" {
		return id
	}
	return "scenario " + strconv.Quote(name)
}

// verdictOf maps a scenario's error to its verdict and a message.
func verdictOf(err error) (Verdict, string) {
	switch {
	case err == nil:
		return Passed, ""
	case errors.Is(err, godog.ErrSkip):
		return Skipped, skipReason(err)
	case errors.Is(err, godog.ErrPending):
		return Pending, err.Error()
	case errors.Is(err, godog.ErrUndefined), errors.Is(err, godog.ErrAmbiguous):
		return Undefined, err.Error()
	default:
		return Failed, err.Error()
	}
}

// skipReason strips godog's "skipped" sentinel text from a wrapped skip.
func skipReason(err error) string {
	msg := err.Error()
	for _, prefix := range []string{godog.ErrSkip.Error(), ": ", "unmet need", ": "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}
