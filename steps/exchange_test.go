package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Distinctive values, so that finding one in a record is a leak.
const (
	exPassword = "pw-Exch4nge-distinctive"
	exSecret   = "cs-Exch4nge-distinctive"
	exAPIKey   = "ak-Exch4nge-distinctive"
	exRefresh  = "rt-Exch4nge-distinctive"
	exToken    = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLWRpc3RpbmN0aXZl"
)

func TestExchangeRedactor_record(t *testing.T) {
	s, err := New(Target{BaseURL: "http://127.0.0.1:1", Username: "u", Password: NewSecret(exPassword),
		Headers: map[string]string{"x-api-key": exAPIKey}, LoginPasswordField: "pwd"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		givenEx   exchange
		wantIn    []string
		wantNotIn []string
	}{
		{
			name: "form login with basic client auth",
			givenEx: exchange{method: "POST", uri: "/token", status: 400,
				reqHeader: http.Header{"Authorization": {"Basic Y2xpOnNlY3JldA=="}, "X-Api-Key": {exAPIKey}},
				reqBody:   "grant_type=password&username=u&password=" + exPassword + "&client_secret=" + exSecret,
				header:    http.Header{"Content-Type": {"application/json"}},
				body:      []byte(`{"error":"invalid_grant"}`)},
			wantIn:    []string{"POST /token HTTP/1.1", "Authorization: Basic [secret fp:", "grant_type=password&username=u&password=[secret", "HTTP/1.1 400 Bad Request", `{"error":"invalid_grant"}`},
			wantNotIn: []string{"Y2xpOnNlY3JldA", exPassword, exSecret, exAPIKey},
		},
		{
			name: "url-encoded secret in a form",
			givenEx: exchange{method: "POST", uri: "/token", status: 401,
				reqBody: "refresh_token=" + "a%2Bb%2Fc-distinctive" + "&grant_type=refresh_token"},
			wantIn:    []string{"refresh_token=[secret fp:", "&grant_type=refresh_token"},
			wantNotIn: []string{"a%2Bb%2Fc-distinctive", "a+b/c-distinctive"},
		},
		{
			name: "json login with a custom password field",
			givenEx: exchange{method: "POST", uri: "/login", status: 200,
				reqBody: `{"user":"u","pwd":"other-pass-distinctive"}`,
				body:    []byte(`{"access_token":"` + exToken + `","refresh_token":"` + exRefresh + `","nested":{"client_secret":"` + exSecret + `"}}`)},
			wantIn:    []string{`"pwd":"[secret fp:`, `"user":"u"`, `"access_token":"eyJhbG…[jwt fp:`, `"refresh_token":"[secret fp:`},
			wantNotIn: []string{"other-pass-distinctive", exToken, "c2lnbmF0dXJl", exRefresh, exSecret},
		},
		{
			name: "token in the query and a bare scheme",
			givenEx: exchange{method: "GET", uri: "/secure-data?access_token=" + exToken + "&x=1", status: 200,
				reqHeader: http.Header{"Authorization": {"Bearer"}, "Cookie": {"session=abc-distinctive"}},
				header:    http.Header{"Set-Cookie": {"sid=def-distinctive; Path=/; HttpOnly"}}},
			wantIn:    []string{"GET /secure-data?access_token=eyJhbG…[jwt", "&x=1", "Authorization: Bearer\n", "Set-Cookie: sid=[secret fp:", "; Path=/; HttpOnly"},
			wantNotIn: []string{exToken, "abc-distinctive", "def-distinctive"},
		},
		{
			name: "a secret echoed in a non-JSON body",
			givenEx: exchange{method: "GET", uri: "/secure-data", status: 500,
				body: []byte("<pre>password " + exPassword + " key " + exAPIKey + " token " + exToken + "</pre>")},
			wantIn:    []string{"<pre>password [secret fp:", "HTTP/1.1 500 Internal Server Error"},
			wantNotIn: []string{exPassword, exAPIKey, exToken},
		},
		{
			name:    "a long body is cut after the scrub",
			givenEx: exchange{method: "GET", uri: "/secure-data", status: 200, body: []byte(strings.Repeat("é", MaxExchangeBody) + exPassword)},
			wantIn:  []string{"more bytes]"},
			// A secret cut in half by the truncation would not match a
			// scrub after it.
			wantNotIn: []string{exPassword[:8]},
		},
		{
			name:    "no response",
			givenEx: exchange{method: "GET", path: "/secure-data"},
			wantIn:  []string{"GET /secure-data HTTP/1.1", "(no response)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.newScenario()
			st.redact.Add(exToken)
			rec := st.exchangeRedactor().record(&tt.givenEx)
			got := rec.String()
			for _, want := range tt.wantIn {
				if !strings.Contains(got, want) {
					t.Errorf("record lacks %q:\n%s", want, got)
				}
			}
			for _, bad := range tt.wantNotIn {
				if strings.Contains(got, bad) {
					t.Errorf("record contains %q:\n%s", bad, got)
				}
			}
			if len(rec.ResponseBody) > MaxExchangeBody {
				t.Errorf("response body of %d bytes, want at most %d", len(rec.ResponseBody), MaxExchangeBody)
			}
		})
	}
}

// TestMismatch_carriesTheExchange: a failing check against a live server
// returns the exchange as sent, the profile's headers and the token
// fingerprinted.
func TestMismatch_carriesTheExchange(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"echo":%q}`, r.Header.Get("Authorization"))
	}))
	t.Cleanup(ts.Close)
	s, err := New(Target{BaseURL: ts.URL + "/api", Username: "u", Password: NewSecret(exPassword),
		Headers: map[string]string{"X-Api-Key": exAPIKey}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	st := s.newScenario()
	st.token = exToken
	if err := st.callWithToken(context.Background()); err != nil {
		t.Fatal(err)
	}

	var ce *CheckError
	if err := st.mismatch("status 401", "status 200"); !errors.As(err, &ce) || ce.Exchange == nil {
		t.Fatalf("mismatch = %v, want a CheckError with an exchange", err)
	}
	got := ce.Exchange.String()
	for _, want := range []string{"GET /api/secure-data HTTP/1.1", "Authorization: Bearer eyJhbG…[jwt", "X-Api-Key: [secret fp:",
		"Host: " + strings.TrimPrefix(ts.URL, "http://"), `{"echo":"Bearer eyJhbG…[jwt`} {
		if !strings.Contains(got, want) {
			t.Errorf("exchange lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{exToken, exAPIKey} {
		if strings.Contains(got, bad) || strings.Contains(ce.Error(), bad) {
			t.Errorf("a secret leaked:\n%s", got)
		}
	}
	if ce.Exchange.Summary() != "GET /api/secure-data HTTP/1.1 → 200" {
		t.Errorf("summary %q", ce.Exchange.Summary())
	}
}

// TestPreflight_protectedMethod runs the preflight against a resource that
// answers POST only: with ProtectedMethod POST it passes, with the default
// GET it stops with the reason.
func TestPreflight_protectedMethod(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("password") != exPassword {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"opaque-token-distinctive","token_type":"Bearer","expires_in":600}`)
	})
	mux.HandleFunc("/secure-data", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method != http.MethodPost:
			w.Header().Set("Allow", http.MethodPost)
			w.WriteHeader(http.StatusMethodNotAllowed)
		case r.Header.Get("Authorization") != "Bearer opaque-token-distinctive":
			w.Header().Set("WWW-Authenticate", `Bearer realm="t"`)
			w.WriteHeader(http.StatusUnauthorized)
		default:
			fmt.Fprint(w, `{"username":"u"}`)
		}
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	tests := []struct {
		name        string
		givenMethod string
		wantErr     string
	}{
		{name: "post", givenMethod: http.MethodPost},
		{name: "default get", wantErr: "does not open the protected resource: GET /secure-data → 405"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Target{BaseURL: ts.URL, Username: "u", Password: NewSecret(exPassword), ProtectedMethod: tt.givenMethod,
				Capabilities: Capabilities{Refresh: new(bool), Revocation: new(bool), Introspection: new(bool),
					Discovery: new(bool), JWKS: new(bool), Scopes: new(bool)}})
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

func TestNew_protectedMethod(t *testing.T) {
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} {
		if _, err := New(Target{BaseURL: "http://127.0.0.1:1", Username: "u", ProtectedMethod: m}); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
	for _, m := range []string{"get", "OPTIONS", "CONNECT", "TRACE"} {
		if _, err := New(Target{BaseURL: "http://127.0.0.1:1", Username: "u", ProtectedMethod: m}); err == nil {
			t.Errorf("%s accepted", m)
		}
	}
}

func TestRedactCredentials_keepsTheHeaderShape(t *testing.T) {
	fp := Fingerprint("tok-distinctive")
	tests := []struct {
		name string
		give string
		want string
	}{
		{name: "one space", give: "Bearer tok-distinctive", want: "Bearer " + fp},
		{name: "two spaces", give: "Bearer  tok-distinctive", want: "Bearer  " + fp},
		{name: "tab", give: "Bearer\ttok-distinctive", want: "Bearer\t" + fp},
		{name: "lower-case scheme", give: "bearer tok-distinctive", want: "bearer " + fp},
		{name: "upper-case scheme", give: "BEARER tok-distinctive", want: "BEARER " + fp},
		{name: "leading and trailing space", give: " Bearer tok-distinctive ", want: " Bearer " + fp + " "},
		{name: "bare scheme", give: "Bearer", want: "Bearer"},
		{name: "scheme and spaces only", give: "Bearer  ", want: "Bearer  "},
		{name: "no scheme", give: "tok-distinctive", want: fp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redactCredentials(tt.give); got != tt.want {
				t.Errorf("redactCredentials(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

// TestMadeUpPasswords_redactedInTheEcho has a target echo the login it
// refuses: the probe's made-up password must be fingerprinted in the
// response as it is in the request.
func TestMadeUpPasswords_redactedInTheEcho(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"invalid_grant","error_description":"bad password %s"}`, r.PostForm.Get("password"))
	}))
	t.Cleanup(ts.Close)
	s, err := New(Target{BaseURL: ts.URL, Username: "u", Password: NewSecret(exPassword)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	tests := []struct {
		name     string
		send     func(*scenario) error
		password string
	}{
		{name: "unknown user", send: func(st *scenario) error { return st.requestTokenForUnknownUser(context.Background()) }, password: "x-"},
		{name: "wrong password", send: func(st *scenario) error { return st.requestTokenWithWrongPassword(context.Background()) }, password: "wrong-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := s.newScenario()
			if err := tt.send(st); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(st.last.body), tt.password+st.marker) {
				t.Fatalf("the fake target did not echo the password: %s", st.last.body)
			}
			got := st.exchangeRedactor().record(st.last).String()
			if strings.Contains(got, tt.password+st.marker) {
				t.Errorf("the made-up password shows in clear:\n%s", got)
			}
			if !strings.Contains(got, "bad password [secret fp:") {
				t.Errorf("the echoed password is not fingerprinted:\n%s", got)
			}
		})
	}
}

// TestMismatch_showsAPathNotAURL checks that a check sending to an
// absolute URL (D09's introspection endpoint, from the metadata) reports
// its path like the others do.
func TestMismatch_showsAPathNotAURL(t *testing.T) {
	tests := []struct {
		name string
		base string
		sent string
		want string
	}{
		{name: "under the base URL", base: "https://as.example/api", sent: "https://as.example/api/oauth/introspect", want: "/oauth/introspect"},
		{name: "base URL at the root", base: "https://as.example", sent: "https://as.example/introspect?x=1", want: "/introspect?x=1"},
		{name: "same host outside the base path", base: "https://as.example/api", sent: "https://as.example/apiv2/introspect", want: "/apiv2/introspect"},
		{name: "another host", base: "https://as.example", sent: "https://idp.example/introspect", want: "https://idp.example/introspect"},
		{name: "relative path", base: "https://as.example/api", sent: "/token", want: "/token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Target{BaseURL: tt.base, Username: "u"})
			if err != nil {
				t.Fatal(err)
			}
			st := s.newScenario()
			st.last = &exchange{method: "POST", path: tt.sent, status: 500}
			var ce *CheckError
			if err := st.mismatch("status 200", "status 500"); !errors.As(err, &ce) {
				t.Fatalf("mismatch = %v, want a CheckError", err)
			}
			if ce.Path != tt.want {
				t.Errorf("Path = %q, want %q", ce.Path, tt.want)
			}
		})
	}
}
