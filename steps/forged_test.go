package steps

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// hangingTarget never answers the protected resource; it lets go when the
// client gives up.
func hangingTarget(t *testing.T) *Suite {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(ts.Close)
	s, err := New(Target{BaseURL: ts.URL, Username: "u", Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestAnswersShouldComeWithin_noAnswer: a forgery that got no answer before
// the timeout fails X06 and F12, naming the request and the timeout.
func TestAnswersShouldComeWithin_noAnswer(t *testing.T) {
	st := hangingTarget(t).newScenario()
	st.forge("with alg none", "forged-token-distinctive")
	if err := st.presentForgedTokens(context.Background()); err != nil {
		t.Fatal(err)
	}

	var ce *CheckError
	if err := st.answersShouldComeWithin(9); !errors.As(err, &ce) {
		t.Fatalf("answersShouldComeWithin = %v, want a CheckError", err)
	}
	if want := "none"; ce.Got != want {
		t.Errorf("got %q, want %q", ce.Got, want)
	}
	if !strings.Contains(ce.Expected, "within 9s to a token with alg none") {
		t.Errorf("expected %q", ce.Expected)
	}
	if want := "GET /secure-data: no response (timeout after 50ms): expected"; !strings.HasPrefix(ce.Error(), want) {
		t.Errorf("error %q, want it to start %q", ce.Error(), want)
	}
	if ce.Method != http.MethodGet || ce.Path != "/secure-data" || ce.Exchange == nil {
		t.Errorf("finding %+v lacks its request", ce)
	}
}

// TestPreflight_hangsWithoutCredentials: a target that never answers a
// request without credentials still gets a verdict (B02 fails in the run);
// only a 200 there stops the harness.
func TestPreflight_hangsWithoutCredentials(t *testing.T) {
	tests := []struct {
		name        string
		givenNoCred func(w http.ResponseWriter, r *http.Request)
		wantErr     string
	}{
		{name: "hang", givenNoCred: func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }},
		{name: "200", givenNoCred: func(w http.ResponseWriter, _ *http.Request) {}, wantErr: "cannot tell a valid token from none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"access_token":"opaque-token-distinctive","token_type":"Bearer","expires_in":600}`))
			})
			mux.HandleFunc("/secure-data", func(w http.ResponseWriter, r *http.Request) {
				switch r.Header.Get("Authorization") {
				case "":
					tt.givenNoCred(w, r)
				case "Bearer opaque-token-distinctive":
				default:
					w.WriteHeader(http.StatusUnauthorized)
				}
			})
			ts := httptest.NewServer(mux)
			t.Cleanup(ts.Close)
			no := false
			s, err := New(Target{BaseURL: ts.URL, Username: "u", Timeout: 50 * time.Millisecond,
				Capabilities: Capabilities{Refresh: &no, Revocation: &no, Introspection: &no,
					Discovery: &no, JWKS: &no, Scopes: &no}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			err = s.Preflight(context.Background())
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("preflight: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("preflight error %v, want %q", err, tt.wantErr)
			}
		})
	}
}
