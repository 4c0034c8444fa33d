package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fuzzFixture is one server shared by a fuzz target's inputs; throttling
// is off so that wrong passwords never turn into 429s.
func fuzzFixture(t testing.TB) *fixture {
	return newFixture(t, func(c *Config) { c.ThrottleFailures = -1 })
}

// FuzzAuthorizationHeader: no Authorization value yields a 5xx, and only a
// real token opens the resource.
func FuzzAuthorizationHeader(f *testing.F) {
	for _, seed := range []string{"Bearer x", "bearer  a.b.c", "Basic dTpw", "Bearer", "Bearer a b", "Token x", "Bearer ===", ""} {
		f.Add(seed)
	}
	fx := fuzzFixture(f)
	f.Fuzz(func(t *testing.T, value string) {
		req := httptest.NewRequest(http.MethodGet, PathSecureData, nil)
		req.Header["Authorization"] = []string{value}
		rec := httptest.NewRecorder()
		fx.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusBadRequest {
			t.Errorf("Authorization %q: status %d, want 400 or 401", value, rec.Code)
		}
	})
}

// FuzzVerify: no token string panics the verifier or verifies.
func FuzzVerify(f *testing.F) {
	fx := fuzzFixture(f)
	valid := fx.mint(nil, nil)
	parts := strings.Split(valid, ".")
	for _, seed := range []string{valid[:len(valid)-3], parts[0] + "." + parts[1] + ".", "a.b.c", "..", "eyJhbGciOiJub25lIn0.e30.", valid + "." + parts[2]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if raw == valid {
			return
		}
		if _, err := fx.srv.verify(raw); err == nil {
			t.Errorf("token %q verified", raw)
		}
	})
}

// FuzzTokenBody: no token request body yields a 5xx or a token without the
// right credentials.
func FuzzTokenBody(f *testing.F) {
	for _, seed := range []string{
		passwordForm(DemoUsername, "wrong"), "grant_type=foo", "grant_type=refresh_token&refresh_token=x",
		"%zz", "grant_type=password&username=testuser&username=admin&password=x", "scope=%00",
	} {
		f.Add(seed)
	}
	fx := fuzzFixture(f)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, PathToken, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		fx.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("body %q: status %d", body, rec.Code)
		}
		if rec.Code == http.StatusOK && !strings.Contains(body, DemoPassword) && !strings.Contains(body, DemoAdminPassword) {
			t.Errorf("body %q: a token without a valid password", body)
		}
	})
}
