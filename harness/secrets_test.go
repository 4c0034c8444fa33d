package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tidwall/gjson"
	"golang.org/x/crypto/bcrypt"

	"github.com/authconform/authconform/reference-server/server"
)

// Distinctive secrets, so that any appearance in an output is a leak and
// not a coincidence.
const (
	leakPassword     = "pw-Zq7Xk2-distinctive"
	leakClientSecret = "cs-Yh4Wm9-distinctive"
	leakHMACKey      = "hk-Rr8Tt1-distinctive-0123456789abcdef"
	leakAPIKey       = "ak-Pp3Vv6-distinctive"
)

// tokenRecorder wraps a handler and keeps every access token it issues.
type tokenRecorder struct {
	next   http.Handler
	faulty bool // strip the challenges and caching headers the checks look for

	mu      sync.Mutex
	tokens  []string
	apiKeys int // requests that carried the X-Api-Key header
}

func (tr *tokenRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	tr.next.ServeHTTP(rec, r)
	tr.mu.Lock()
	for _, field := range []string{"access_token", "refresh_token"} {
		if tok := gjson.GetBytes(rec.Body.Bytes(), field).String(); tok != "" {
			tr.tokens = append(tr.tokens, tok)
		}
	}
	if r.Header.Get("X-Api-Key") == leakAPIKey {
		tr.apiKeys++
	}
	tr.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	if tr.faulty {
		w.Header().Del("WWW-Authenticate")
		w.Header().Del("Cache-Control")
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (tr *tokenRecorder) issued() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.tokens...)
}

func (tr *tokenRecorder) sentAPIKeys() int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.apiKeys
}

// TestRun_noSecretInAnyOutput runs a passing suite, a failing one and one
// that cannot log in, with every report, and scans stdout, stderr and each
// report file for the password, client secret, signing key, the API key
// the profile adds to every request and every access and refresh token the
// target issued. The failing suite's HTML and JUnit reports must show the
// redacted exchanges, so the scan covers them.
func TestRun_noSecretInAnyOutput(t *testing.T) {
	ref := startReference(t, "alice", leakPassword, []byte(leakHMACKey))
	vars := map[string]string{
		"AUTHCONFORM_USERNAME":      "alice",
		"AUTHCONFORM_PASSWORD":      leakPassword,
		"AUTHCONFORM_CLIENT_SECRET": leakClientSecret,
		"AUTHCONFORM_SIGNING_ALG":   "HS256",
		"AUTHCONFORM_SIGNING_KEY":   leakHMACKey,
		"GATEWAY_API_KEY":           leakAPIKey,
	}
	profilePath := writeFile(t, "gateway.yaml", "headers_env:\n  X-Api-Key: GATEWAY_API_KEY\n")
	tests := []struct {
		name       string
		givenFault bool
		givenVars  map[string]string
		wantCode   int
		// wantInReports are what the failing run's reports must show.
		wantInReports map[string][]string
	}{
		{name: "passing suite", wantCode: 0},
		{name: "failing suite", givenFault: true, wantCode: 1, wantInReports: map[string][]string{
			"html": {"<details><summary><code>POST /token HTTP/1.1 → 200</code></summary>",
				"X-Api-Key: [secret fp:", "password=[secret fp:", "client_secret=[secret fp:",
				`&#34;access_token&#34;:&#34;eyJhbG…[jwt fp:`},
			"junit": {"<![CDATA[POST /token HTTP/1.1", "X-Api-Key: [secret fp:", "HTTP/1.1 401 Unauthorized"},
		}},
		{name: "login refused", givenVars: map[string]string{"AUTHCONFORM_USERNAME": "bob"}, wantCode: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &tokenRecorder{next: ref.Config.Handler, faulty: tt.givenFault}
			ts := httptest.NewServer(rec)
			t.Cleanup(ts.Close)
			env := map[string]string{}
			for k, v := range vars {
				env[k] = v
			}
			for k, v := range tt.givenVars {
				env[k] = v
			}
			dir := t.TempDir()
			files := map[string]string{
				"junit": filepath.Join(dir, "junit.xml"), "cucumber": filepath.Join(dir, "cucumber.json"),
				"html": filepath.Join(dir, "report.html"),
			}
			res := invoke(t, env, "run", "--profile", profilePath, "--target", ts.URL, "--issuer", ref.URL, "--client-auth", "post", "--client-id", "cli",
				"--format", "pretty", "--junit", files["junit"], "--cucumber", files["cucumber"], "--html", files["html"])
			if res.code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s\n%s", res.code, tt.wantCode, res.stderr, summaryOf(res.stdout))
			}
			outputs := map[string]string{"stdout": res.stdout, "stderr": res.stderr}
			for name, path := range files {
				b, err := os.ReadFile(path)
				if err != nil && tt.wantCode != 3 {
					t.Errorf("%s report: %v", name, err)
				}
				outputs[name] = string(b)
			}
			secrets := append([]string{leakPassword, leakClientSecret, leakHMACKey, leakAPIKey}, rec.issued()...)
			if tt.wantCode != 3 && len(secrets) == 4 {
				t.Fatal("the target issued no token; the scan would prove nothing")
			}
			if rec.sentAPIKeys() == 0 {
				t.Fatal("no request carried the profile's X-Api-Key; the scan would prove nothing")
			}
			for name, wants := range tt.wantInReports {
				for _, want := range wants {
					if !strings.Contains(outputs[name], want) {
						t.Errorf("%s report lacks %q", name, want)
					}
				}
			}
			for name, out := range outputs {
				for _, s := range secrets {
					if strings.Contains(out, s) {
						t.Errorf("%s contains a secret (%.6s…)", name, s)
					}
				}
			}
		})
	}
}

// TestRun_deviationsAndReports: a failing target with some failures
// waived and a stale waiver; every report file agrees.
func TestRun_deviationsAndReports(t *testing.T) {
	ref := demoReference(t)
	ts := httptest.NewServer(&tokenRecorder{next: ref.Config.Handler, faulty: true})
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	devFile := writeFile(t, "deviations.yaml", `# known deviations of the faulty server
- check: T02
  reason: the gateway strips Cache-Control; ticket OPS-1
- check: B02
  reason: challenges stripped by the gateway
- check: B04
  reason: challenges stripped by the gateway
- check: B06
  reason: challenges stripped by the gateway
- check: T01
  reason: fixed long ago
`)
	junit, cuke, html := filepath.Join(dir, "j.xml"), filepath.Join(dir, "c.json"), filepath.Join(dir, "r.html")
	// A fixed selection, so that checks added to the catalogue do not
	// change what this test waives.
	const tags = "@T01,@T02,@B01,@B02,@B04,@B06"
	res := invoke(t, nil, "run", "--target", ts.URL, "--deviations", devFile, "--tags", tags,
		"--junit", junit, "--cucumber", cuke, "--html", html)
	if res.code != 0 {
		t.Fatalf("exit %d, want 0 with every failure waived; stderr: %s\n%s", res.code, res.stderr, res.stdout)
	}
	for _, want := range []string{"T02    conformance  waived", "T01    conformance  stale-waiver", "WAIVED"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, res.stdout)
		}
	}
	for path, wants := range map[string][]string{
		junit: {`<skipped message="waived: the gateway strips Cache-Control`, "stale-waiver"},
		cuke:  {`"name": "@waived"`, `"name": "@stale-waiver"`},
		html:  {`class="o waived"`, "ticket OPS-1", "<!DOCTYPE html>"},
	} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range wants {
			if !bytes.Contains(b, []byte(want)) {
				t.Errorf("%s lacks %q", filepath.Base(path), want)
			}
		}
	}

	// Without the deviations the same run fails.
	if res := invoke(t, nil, "run", "--target", ts.URL, "--tags", tags); res.code != 1 {
		t.Errorf("exit %d without deviations, want 1", res.code)
	}
}

// TestRun_referenceProfile runs the shipped example profile against an
// in-process reference server configured as "make serve" configures it:
// demo users and clients, a shared HS256 secret. Every required check
// passes, the capabilities are probed, and the confidential client, the
// resource client, the second and the scoped user are used.
func TestRun_referenceProfile(t *testing.T) {
	secret := "0123456789abcdef0123456789abcdef-test"
	ts := httptest.NewUnstartedServer(nil)
	srv, err := server.New(server.Config{
		Secret: []byte(secret), Issuer: "http://" + ts.Listener.Addr().String(), PasswordCost: bcrypt.MinCost,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)
	vars := map[string]string{
		"AUTHCONFORM_PASSWORD": "testpass", "AUTHCONFORM_SECOND_PASSWORD": "adminpass",
		"AUTHCONFORM_SCOPED_PASSWORD": "adminpass", "AUTHCONFORM_CLIENT_SECRET": "confidential-secret",
		"AUTHCONFORM_RESOURCE_CLIENT_SECRET": "rs-secret", "REFSERVER_SECRET": secret,
	}
	profile := filepath.Join("profiles", "reference.yaml")
	res := invoke(t, vars, "run", "--profile", profile, "--target", ts.URL)
	if res.code != 0 {
		t.Fatalf("exit %d; stderr: %s\n%s", res.code, res.stderr, summaryOf(res.stdout))
	}
	// Checks that need what the old profile turned off now run.
	for _, id := range []string{"B13", "T14", "D06", "D09", "R01", "F23"} {
		if !regexp.MustCompile(`(?m)^` + id + ` +\S+ +passed `).MatchString(res.stdout) {
			t.Errorf("%s did not pass:\n%s", id, summaryOf(res.stdout))
		}
	}
	// The profile's password comes from the environment only.
	delete(vars, "AUTHCONFORM_PASSWORD")
	res = invoke(t, vars, "run", "--profile", profile, "--target", ts.URL)
	if res.code != 2 || !strings.Contains(res.stderr, "AUTHCONFORM_PASSWORD is not set") {
		t.Errorf("without the password: exit %d, stderr %q", res.code, res.stderr)
	}
}

// TestRun_ownFeatures runs a team's feature directory with and without the
// built-in checks.
func TestRun_ownFeatures(t *testing.T) {
	dir := t.TempDir()
	feature := `Feature: Our API
  @Z01 @conformance @rfc6750-2.1
  Scenario: Z01 our token opens our resource
    Given a valid access token
    When the client calls the protected resource with the access token
    Then the response status should be 200
`
	if err := os.WriteFile(filepath.Join(dir, "ours.feature"), []byte(feature), 0o600); err != nil {
		t.Fatal(err)
	}
	res := invoke(t, nil, "run", "--features", dir, "--no-builtin")
	if res.code != 0 || !strings.Contains(res.stdout, "Z01") || strings.Contains(res.stdout, "T01") {
		t.Errorf("--no-builtin: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = invoke(t, nil, "run", "--features", dir, "--tags", "@Z01,@T01")
	if res.code != 0 || !strings.Contains(res.stdout, "Z01") || !strings.Contains(res.stdout, "T01") {
		t.Errorf("with built-in: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.feature"), []byte("Feature: x\n  Scenario: y\n    Given ok\n  Oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = invoke(t, nil, "run", "--features", dir)
	if res.code != 2 || !strings.Contains(res.stderr, "broken.feature") {
		t.Errorf("broken feature: exit %d, stderr %q", res.code, res.stderr)
	}
}

// TestRun_failFast stops at the first failed required check and lists
// the checks it did not run.
func TestRun_failFast(t *testing.T) {
	ref := demoReference(t)
	ts := httptest.NewServer(&tokenRecorder{next: ref.Config.Handler, faulty: true})
	t.Cleanup(ts.Close)
	all := invoke(t, nil, "run", "--target", ts.URL, "--concurrency", "1")
	fast := invoke(t, nil, "run", "--target", ts.URL, "--concurrency", "1", "--fail-fast")
	if all.code != 1 || fast.code != 1 {
		t.Fatalf("exit %d and %d, want 1 and 1", all.code, fast.code)
	}
	if strings.Contains(all.stdout, "not run") {
		t.Errorf("a full run left checks unrun:\n%s", summaryOf(all.stdout))
	}
	// Every check is in the summary, those after the stop as "not run".
	if got, want := strings.Count(summaryOf(fast.stdout), "\n"), strings.Count(summaryOf(all.stdout), "\n"); got != want {
		t.Errorf("--fail-fast summary has %d lines, a full run's %d:\n%s", got, want, summaryOf(fast.stdout))
	}
	if !strings.Contains(fast.stdout, "not run") || !strings.Contains(fast.stdout, "--fail-fast: stopped after") {
		t.Errorf("--fail-fast summary does not list the unrun checks:\n%s", summaryOf(fast.stdout))
	}
	// A check skipped for an unmet @needs-* tag is skipped, with its
	// reason, after the stop too (the demo profile has no client secret,
	// no scoped user and no max_wait). A scenario that skips from inside
	// its steps cannot be known before it runs, so it is "not run".
	for _, id := range []string{"T14", "T16", "B13", "E01"} {
		skipped := regexp.MustCompile(`(?m)^` + id + ` +\S+ +skipped +@needs-`)
		if !skipped.MatchString(summaryOf(all.stdout)) {
			t.Errorf("%s is not skipped for a need in a full run:\n%s", id, summaryOf(all.stdout))
		}
		if !skipped.MatchString(summaryOf(fast.stdout)) {
			t.Errorf("%s is skipped for a need in a full run but not with --fail-fast:\n%s", id, summaryOf(fast.stdout))
		}
	}
}

// summaryOf returns the summary table at the end of a run's stdout, for
// failure messages.
func summaryOf(stdout string) string {
	if i := strings.LastIndex(stdout, "\nCHECK "); i >= 0 {
		return stdout[i:]
	}
	return stdout
}
