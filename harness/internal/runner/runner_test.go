package runner_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/authconform/authconform/harness/internal/embedded"
	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/steps"
)

// startReference runs the reference server in-process for one test and
// returns a suite against it that has every credential and key.
func startReference(t *testing.T, opts embedded.Options, edit func(*steps.Target)) *steps.Suite {
	t.Helper()
	emb, err := embedded.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := emb.Stop(); err != nil {
			t.Errorf("stop the reference server: %v", err)
		}
	})
	target := emb.Target
	// Parallel suites on a shared runner make millisecond latencies noise;
	// see detection's suiteTimingTolerance.
	target.TimingTolerance = time.Minute
	if edit != nil {
		edit(&target)
	}
	s, err := steps.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.Preflight(context.Background()); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	return s
}

// advisoryAgainstReference are the checks the reference server fails on
// purpose: it offers the password grant, which RFC 9700 §2.4 deprecates, so
// it gets the advisory warning every such server gets (T18, D03).
var advisoryAgainstReference = map[string]bool{"T18": true, "D03": true}

// skippableAgainstReference are the checks that cannot run against the
// embedded server, and why.
var skippableAgainstReference = map[string]string{
	"T17": "destructive: locks the demo user out",
	"E01": "needs a wait; TestFeatures_expiryByWaiting runs it",
	"D02": "the embedded server is plain http on loopback",
	"X01": "the embedded server is plain http on loopback",
	"B15": "applies only to a target that accepts a token in the query",
}

// TestFeatures_referenceServer runs every built-in feature against the
// reference server with each signing algorithm, each scenario a subtest,
// in strict mode: every check passes but the known advisory ones.
func TestFeatures_referenceServer(t *testing.T) {
	for _, alg := range []string{"HS256", "RS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			suite := startReference(t, embedded.Options{Alg: alg}, nil)
			res, err := runner.Run(context.Background(), runner.Options{
				Suite:       suite,
				Format:      "progress",
				Tags:        "~@T18 && ~@D03",
				Concurrency: 4,
				Randomize:   -1,
				TestingT:    t,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Checks) < 80 {
				t.Errorf("ran %d checks, want the catalogue's (at least 80)", len(res.Checks))
			}
			for _, c := range res.Checks {
				switch {
				case c.Verdict == runner.Passed:
				case c.Verdict == runner.Skipped && skippableAgainstReference[c.CheckID] != "":
				case c.Verdict == runner.Skipped && alg == "HS256" && (c.CheckID == "F08" || c.CheckID == "D04" || c.CheckID == "D05"):
					// No public key to confuse or publish with HMAC.
				case c.Verdict == runner.Skipped && alg != "HS256" && c.CheckID == "F07":
					// No HMAC secret to crack.
				default:
					s := c.Scenarios[0]
					if f, ok := c.FirstFailure(); ok {
						s = f
					}
					t.Errorf("check %s: %s: %s", c.CheckID, c.Verdict, s.Message)
				}
			}
		})
	}
}

// TestFeatures_advisoryWarnings shows the checks left out above do run and
// warn, without failing the run.
func TestFeatures_advisoryWarnings(t *testing.T) {
	t.Parallel()
	suite := startReference(t, embedded.Options{}, nil)
	res, err := runner.Run(context.Background(), runner.Options{Suite: suite, Format: "progress", Tags: "@T18,@D03"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Checks) != len(advisoryAgainstReference) {
		t.Errorf("ran %d checks, want %d", len(res.Checks), len(advisoryAgainstReference))
	}
	for _, c := range res.Checks {
		if !advisoryAgainstReference[c.CheckID] || c.Verdict != runner.Failed || c.Required() {
			t.Errorf("check %s: %s (required %v), want an advisory failure", c.CheckID, c.Verdict, c.Required())
		}
	}
}

// TestFeatures_expiryByWaiting runs E01 for real against short-lived
// tokens: the only check that waits.
func TestFeatures_expiryByWaiting(t *testing.T) {
	t.Parallel()
	suite := startReference(t, embedded.Options{TokenLifetime: 2 * time.Second, Leeway: -1},
		func(t *steps.Target) { t.MaxWait = 20 * time.Second })
	res, err := runner.Run(context.Background(), runner.Options{Suite: suite, Format: "progress", Tags: "@E01"})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := findCheck(res, "E01")
	if !ok || c.Verdict != runner.Passed {
		t.Errorf("E01: %+v, want passed", c)
	}
}

func findCheck(res runner.Result, id string) (runner.CheckResult, bool) {
	for _, c := range res.Checks {
		if c.CheckID == id {
			return c, true
		}
	}
	return runner.CheckResult{}, false
}

// TestFeatures_protectedMethodPOST runs the bearer and forgery checks
// against a protected resource that answers POST only: the reference server
// behind a gateway that refuses any other method there.
func TestFeatures_protectedMethodPOST(t *testing.T) {
	t.Parallel()
	emb, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emb.Stop() })
	upstream, err := url.Parse(emb.Target.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	var posts atomic.Int64
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == emb.Target.ProtectedPath {
			if r.Method != http.MethodPost {
				w.Header().Set("Allow", http.MethodPost)
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			posts.Add(1)
			r.Method = http.MethodGet
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(gateway.Close)

	target := emb.Target
	target.BaseURL, target.ProtectedMethod = gateway.URL, http.MethodPost
	suite, err := steps.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(suite.Close)
	if err := suite.Preflight(context.Background()); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	res, err := runner.Run(context.Background(), runner.Options{Suite: suite, Format: "progress",
		Tags: "@B01,@B02,@B04,@B08,@B09,@B12,@F01,@F02,@F04"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Checks) != 9 {
		t.Errorf("ran %d checks, want 9", len(res.Checks))
	}
	for _, c := range res.Checks {
		if c.Verdict != runner.Passed {
			f, _ := c.FirstFailure()
			t.Errorf("check %s: %s: %s", c.CheckID, c.Verdict, f.Message)
		}
	}
	if posts.Load() == 0 {
		t.Error("no POST reached the protected resource")
	}
}

// TestRun_failureCarriesTheExchange: a check that fails against a faulty
// server hands its redacted exchange to the result.
func TestRun_failureCarriesTheExchange(t *testing.T) {
	t.Parallel()
	suite := startReference(t, embedded.Options{InsecureFaults: []string{"alg-none"}}, nil)
	res, err := runner.Run(context.Background(), runner.Options{Suite: suite, Format: "progress", Tags: "@F04"})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := findCheck(res, "F04")
	if !ok || c.Verdict != runner.Failed {
		t.Fatalf("F04: %+v, want failed", c)
	}
	f, _ := c.FirstFailure()
	if f.Exchange == nil {
		t.Fatalf("failure %+v has no exchange", f)
	}
	got := f.Exchange.String()
	if f.Exchange.Status != f.Status || !strings.Contains(got, "Authorization: Bearer eyJ") || !strings.Contains(got, "…[jwt fp:") {
		t.Errorf("exchange does not show the fingerprinted token:\n%s", got)
	}
}

// failFastFeatures has, in order, an advisory check that fails against
// the reference server, a security check that fails, and a check that
// passes: --fail-fast must pass the first and stop at the second.
var failFastFeatures = fstest.MapFS{"ff/order.feature": {Data: []byte(`Feature: fail-fast order

  @Q01 @advisory
  Scenario: Q01 an advisory check that fails
    Given I am authenticated as the valid user
    When I send a GET request to "/secure-data"
    Then the response status should be 418

  @Q02 @security
  Scenario: Q02 a required check that fails
    Given I am authenticated as the valid user
    When I send a GET request to "/secure-data"
    Then the response status should be 418

  @Q03 @security
  Scenario: Q03 a check that would pass
    Given I am authenticated as the valid user
    When I send a GET request to "/secure-data"
    Then the response status should be 200
`)}}

// TestRun_failFast checks that an advisory failure does not stop the run,
// a required one does, and the scenarios after it are NotRun with the
// reason rather than missing.
func TestRun_failFast(t *testing.T) {
	suite := startReference(t, embedded.Options{}, nil)
	tests := []struct {
		name     string
		failFast bool
		want     map[string]runner.Verdict
		stopped  string
	}{
		{name: "full run", want: map[string]runner.Verdict{"Q01": runner.Failed, "Q02": runner.Failed, "Q03": runner.Passed}},
		{name: "fail-fast", failFast: true, stopped: "--fail-fast: stopped after Q02 failed",
			want: map[string]runner.Verdict{"Q01": runner.Failed, "Q02": runner.Failed, "Q03": runner.NotRun}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := runner.Run(context.Background(), runner.Options{
				Suite: suite, FS: failFastFeatures, Paths: []string{"ff"},
				Concurrency: 1, Format: "progress", FailFast: tt.failFast,
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Stopped != tt.stopped {
				t.Errorf("Stopped = %q, want %q", res.Stopped, tt.stopped)
			}
			got := map[string]runner.Verdict{}
			for _, c := range res.Checks {
				got[c.CheckID] = c.Verdict
				if c.Verdict == runner.NotRun && c.Scenarios[0].Message != tt.stopped {
					t.Errorf("%s not run with message %q, want %q", c.CheckID, c.Scenarios[0].Message, tt.stopped)
				}
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("verdicts = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRun_interrupted checks that scenarios of an interrupted run are
// NotRun ("interrupted"), not failed.
func TestRun_interrupted(t *testing.T) {
	suite := startReference(t, embedded.Options{}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := runner.Run(ctx, runner.Options{
		Suite: suite, FS: failFastFeatures, Paths: []string{"ff"}, Concurrency: 1, Format: "progress",
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != runner.ReasonInterrupted {
		t.Errorf("Stopped = %q, want %q", res.Stopped, runner.ReasonInterrupted)
	}
	if len(res.Checks) != 3 {
		t.Fatalf("%d checks reported, want all 3", len(res.Checks))
	}
	for _, c := range res.Checks {
		if c.Verdict != runner.NotRun || c.Scenarios[0].Message != runner.ReasonInterrupted {
			t.Errorf("%s: %s %q, want not run (interrupted)", c.CheckID, c.Verdict, c.Scenarios[0].Message)
		}
	}
}
