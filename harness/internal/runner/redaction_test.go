package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/steps"
)

// Distinctive values, so that finding one in an output is a leak.
const (
	echoPassword = "pw-Echo7Zk9-distinctive"
	echoToken    = "OpaqueEchoToken-QQQQQQQQQQQQ-distinctive"
)

// echoingTarget issues an opaque (non-JWT) access token and echoes it, with
// the password, in the WWW-Authenticate header and the body of every 401
// and in the body of every refused token request, whoever asks.
func echoingTarget(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/token" {
			if r.FormValue("password") == echoPassword {
				w.Header().Set("Cache-Control", "no-store")
				fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":300}`, echoToken)
				return
			}
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":"invalid_grant","error_description":"not %s, use %s"}`, echoPassword, echoToken)
			return
		}
		if r.Header.Get("Authorization") == "Bearer "+echoToken && r.URL.RawQuery == "" {
			fmt.Fprint(w, `{"username":"u"}`)
			return
		}
		w.Header().Set("WWW-Authenticate",
			fmt.Sprintf(`Bearer realm="x", error="invalid_token", error_description="%s pw %s"`, echoToken, echoPassword))
		w.WriteHeader(http.StatusUnauthorized)
		body, _ := json.Marshal(map[string]string{"error": "invalid_token", "tok": echoToken})
		_, _ = w.Write(body)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestRun_echoedOpaqueTokenNeverPrinted runs every feature against a
// target that echoes its opaque access token to every scenario, including
// those that never held it, and scans each formatter's output and every
// verdict for the token and the password.
func TestRun_echoedOpaqueTokenNeverPrinted(t *testing.T) {
	ts := echoingTarget(t)
	for _, format := range []string{"pretty", "cucumber", "junit"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			suite, err := steps.New(steps.Target{BaseURL: ts.URL, Username: "u", Password: steps.NewSecret(echoPassword)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(suite.Close)
			var out bytes.Buffer
			res, err := runner.Run(context.Background(), runner.Options{
				Suite: suite, Format: format, Output: &out, Concurrency: 8, Randomize: -1,
				Tags: "~@needs-wait && ~@destructive",
			})
			if err != nil {
				t.Fatal(err)
			}
			texts := []string{out.String()}
			failures := 0
			for _, s := range res.Scenarios {
				texts = append(texts, s.Message, s.Expected, s.Got, s.Path)
				if s.Exchange != nil {
					texts = append(texts, s.Exchange.String())
				}
				if s.Verdict == runner.Failed {
					failures++
				}
			}
			if failures == 0 {
				t.Fatal("no scenario failed: the scan shows nothing")
			}
			for _, text := range texts {
				for _, secret := range []string{echoToken, echoPassword} {
					if strings.Contains(text, secret) {
						i := strings.Index(text, secret)
						t.Errorf("%s output leaks %q: …%s…", format, secret, text[max(0, i-200):i])
					}
				}
			}
		})
	}
}
