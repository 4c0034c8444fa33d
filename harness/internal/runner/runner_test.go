package runner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/reference-server/server"
	"github.com/authconform/authconform/steps"
)

// startReference serves the reference server in-process for one test.
func startReference(t *testing.T) *httptest.Server {
	t.Helper()
	users, err := server.DemoUsers(bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Users: users})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func newSuite(t *testing.T, baseURL string) *steps.Suite {
	t.Helper()
	s, err := steps.New(steps.Target{
		BaseURL:  baseURL,
		Username: server.DemoUsername,
		Password: steps.NewSecret(server.DemoPassword),
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
	suite := newSuite(t, ts.URL)
	if err := suite.Preflight(context.Background()); err != nil {
		t.Fatalf("preflight: %v", err)
	}

	res, err := runner.Run(context.Background(), runner.Options{
		Suite:       suite,
		Format:      "progress",
		Concurrency: 4,
		Randomize:   -1,
		TestingT:    t,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Checks) < 11 {
		t.Errorf("ran %d checks, want at least the 11 of the walking skeleton", len(res.Checks))
	}
	for _, c := range res.Checks {
		if c.Verdict != runner.Passed {
			t.Errorf("check %s: %s", c.CheckID, c.Verdict)
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

	res, err := runner.Run(context.Background(), runner.Options{Suite: newSuite(t, faulty.URL), Format: "progress"})
	if err != nil {
		t.Fatal(err)
	}
	wantFailed := map[string]bool{"T06": true, "T08": true, "T09": true, "T10": true, "B02": true, "B04": true, "B06": true}
	for _, c := range res.Checks {
		if got := c.Verdict == runner.Failed; got != wantFailed[c.CheckID] {
			t.Errorf("check %s: verdict %s, want failed=%v", c.CheckID, c.Verdict, wantFailed[c.CheckID])
		}
	}
}
