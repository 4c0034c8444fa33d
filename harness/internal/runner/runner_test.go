package runner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/reference-server/server"
	"github.com/authconform/authconform/steps"
)

// referenceSecret is the reference server's HS256 key in these tests, given
// to the suite as the profile's signing key so that the keyed checks run.
var referenceSecret = []byte("authconform-runner-test-secret-0123456789")

// startReference serves the reference server in-process for one test.
func startReference(t *testing.T) *httptest.Server {
	t.Helper()
	users, err := server.DemoUsers(bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Users: users, Secret: referenceSecret})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func newSuite(t *testing.T, baseURL string, key *steps.SigningKey) *steps.Suite {
	t.Helper()
	s, err := steps.New(steps.Target{
		BaseURL:    baseURL,
		Username:   server.DemoUsername,
		Password:   steps.NewSecret(server.DemoPassword),
		SigningKey: key,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestFeatures_referenceServer runs every built-in feature against the
// reference server, each scenario a subtest, in strict mode.
func TestFeatures_referenceServer(t *testing.T) {
	ts := startReference(t)
	suite := newSuite(t, ts.URL, &steps.SigningKey{Alg: "HS256", Key: steps.NewSecret(string(referenceSecret))})
	if err := suite.Preflight(context.Background()); err != nil {
		t.Fatalf("preflight: %v", err)
	}

	// The reference server offers the password grant, which RFC 9700
	// deprecates: an advisory warning every ROPC target gets (T18, D03).
	// F18 and E08 are deviations the catalogue found in the reference
	// server, reported to its branch: golang-jwt v5 ignores crit (RFC 7515
	// §4.1.11) and reads a JSON string as a NumericDate (RFC 7519 §2).
	// They run outside the subtests, which must all pass, and must fail;
	// drop an entry once the server is fixed.
	expectedFailures := map[string]bool{"T18": true, "D03": true, "F18": true, "E08": true}
	var exclude []string
	for id := range expectedFailures {
		exclude = append(exclude, "~@"+id)
	}
	res, err := runner.Run(context.Background(), runner.Options{
		Suite:       suite,
		Format:      "progress",
		Tags:        strings.Join(exclude, " && "),
		Concurrency: 4,
		Randomize:   -1,
		TestingT:    t,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Checks) < 75 {
		t.Errorf("ran %d checks, want the catalogue's (at least 75)", len(res.Checks))
	}
	for _, c := range res.Checks {
		switch c.Verdict {
		case runner.Passed:
		case runner.Skipped:
			t.Logf("check %s skipped: %s", c.CheckID, c.Scenarios[0].Message)
		default:
			s, _ := c.FirstFailure()
			t.Errorf("check %s: %s %s", c.CheckID, c.Verdict, s.Message)
		}
	}
	for _, id := range []string{"F01", "F04", "F19", "F23", "E02", "E05"} {
		if c, ok := findCheck(res, id); !ok || c.Verdict != runner.Passed {
			t.Errorf("check %s: %v, want passed (the key is given)", id, c.Verdict)
		}
	}

	var include []string
	for id := range expectedFailures {
		include = append(include, "@"+id)
	}
	res, err = runner.Run(context.Background(), runner.Options{Suite: suite, Format: "progress", Tags: strings.Join(include, " || ")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Checks {
		if want := expectedFailures[c.CheckID]; want && c.Verdict != runner.Failed && c.Verdict != runner.Skipped {
			t.Errorf("check %s: %s, want failed; update expectedFailures", c.CheckID, c.Verdict)
		}
	}
}

// TestFeatures_faultyServer shows the suite can fail: a server that issues
// a token for any password and sends no challenges fails exactly the
// checks that look at those.
func TestFeatures_faultyServer(t *testing.T) {
	ref := startReference(t)
	faulty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == steps.DefaultTokenPath {
			// Log every request in as the demo user, whatever it says.
			form := "grant_type=password&username=testuser&password=testpass"
			req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, ref.URL+r.URL.Path, stringsReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			proxy(w, req)
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, ref.URL+r.URL.RequestURI(), nil)
		req.Header = r.Header.Clone()
		rec := httptest.NewRecorder()
		proxy(rec, req)
		for k, v := range rec.Header() {
			if k != "Www-Authenticate" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(faulty.Close)

	res, err := runner.Run(context.Background(), runner.Options{Suite: newSuite(t, faulty.URL, nil), Format: "progress"})
	if err != nil {
		t.Fatal(err)
	}
	wantFailed := map[string]bool{
		"T06": true, "T08": true, "T09": true, "T10": true, "T11": true, "T12": true, "T13": true, "T18": true,
		"B02": true, "B03": true, "B04": true, "B06": true, "B11": true,
	}
	for _, c := range res.Checks {
		if got := c.Verdict == runner.Failed; got != wantFailed[c.CheckID] {
			t.Errorf("check %s: verdict %s, want failed=%v", c.CheckID, c.Verdict, wantFailed[c.CheckID])
		}
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
