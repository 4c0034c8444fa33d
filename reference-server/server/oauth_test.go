package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func refreshForm(rt string, extra ...string) string {
	v := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

func TestRefresh_rotationAndReuse(t *testing.T) {
	f := newFixture(t, nil)
	first := f.login()
	rt1 := first.str("refresh_token")

	second := f.post(PathToken, refreshForm(rt1))
	if second.Code != http.StatusOK || second.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("refresh: %d %s", second.Code, second.Body)
	}
	rt2, at2 := second.str("refresh_token"), second.str("access_token")
	if rt2 == rt1 || at2 == first.str("access_token") || second.str("scope") != "read orders" {
		t.Fatalf("refresh did not rotate: %v", second.body)
	}
	if r := f.get(PathSecureData, bearer(at2)); r.Code != http.StatusOK {
		t.Fatalf("refreshed access token: %d", r.Code)
	}

	if r := f.post(PathToken, refreshForm(rt1)); r.Code != 400 || r.str("error") != "invalid_grant" {
		t.Errorf("reused refresh token: %d %q, want 400 invalid_grant", r.Code, r.str("error"))
	}
	if r := f.post(PathToken, refreshForm(rt2)); r.Code != 400 || r.str("error") != "invalid_grant" {
		t.Errorf("family member after reuse: %d %q, want 400 invalid_grant", r.Code, r.str("error"))
	}
	if r := f.get(PathSecureData, bearer(at2)); r.Code != http.StatusUnauthorized {
		t.Errorf("access token of a revoked family: %d, want 401", r.Code)
	}
}

func TestRefresh_rules(t *testing.T) {
	tests := []struct {
		name       string
		when       func(f *fixture, rt string) response
		wantStatus int
		wantError  string
	}{
		{name: "narrower scope", when: func(f *fixture, rt string) response { return f.post(PathToken, refreshForm(rt, "scope", "read")) }, wantStatus: 200},
		{name: "broader scope", when: func(f *fixture, rt string) response { return f.post(PathToken, refreshForm(rt, "scope", "read admin")) }, wantStatus: 400, wantError: "invalid_scope"},
		{name: "another client", when: func(f *fixture, rt string) response {
			return f.post(PathToken, refreshForm(rt), "Authorization", basic(DemoConfidentialClientID, DemoConfidentialClientSecret))
		}, wantStatus: 400, wantError: "invalid_grant"},
		{name: "after the family expired", when: func(f *fixture, rt string) response {
			f.clock.Advance(DefaultRefreshLifetime)
			return f.post(PathToken, refreshForm(rt))
		}, wantStatus: 400, wantError: "invalid_grant"},
		{name: "as a bearer token", when: func(f *fixture, rt string) response { return f.get(PathSecureData, bearer(rt)) }, wantStatus: 401, wantError: "invalid_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			r := tt.when(f, f.login().str("refresh_token"))
			if r.Code != tt.wantStatus || r.str("error") != tt.wantError {
				t.Errorf("got %d %q, want %d %q", r.Code, r.str("error"), tt.wantStatus, tt.wantError)
			}
		})
	}
}

func TestRevoke(t *testing.T) {
	f := newFixture(t, nil)
	login := f.login()
	at, rt := login.str("access_token"), login.str("refresh_token")

	for _, token := range []string{at, "garbage", ""} {
		r := f.post(PathRevoke, url.Values{"token": {token}, "token_type_hint": {"access_token"}}.Encode())
		wantStatus := http.StatusOK
		if token == "" {
			wantStatus = http.StatusBadRequest
		}
		if r.Code != wantStatus {
			t.Errorf("revoke %.6q: %d, want %d", token, r.Code, wantStatus)
		}
	}
	if r := f.get(PathSecureData, bearer(at)); r.Code != http.StatusUnauthorized {
		t.Errorf("revoked access token: %d, want 401", r.Code)
	}
	f.post(PathRevoke, "token="+rt)
	if r := f.post(PathToken, refreshForm(rt)); r.str("error") != "invalid_grant" {
		t.Errorf("revoked refresh token: %d %q, want invalid_grant", r.Code, r.str("error"))
	}
	if r := f.get(PathRevoke, ""); r.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET revoke: %d, want 405", r.Code)
	}
}

func TestRevoke_otherClientsTokenIsKept(t *testing.T) {
	f := newFixture(t, nil)
	at := f.accessToken()
	f.post(PathRevoke, "token="+at, "Authorization", basic(DemoConfidentialClientID, DemoConfidentialClientSecret))
	if r := f.get(PathSecureData, bearer(at)); r.Code != http.StatusOK {
		t.Errorf("another client revoked the token: %d", r.Code)
	}
}

func TestIntrospect(t *testing.T) {
	f := newFixture(t, nil)
	login := f.login()
	rs := basic(DemoResourceClientID, DemoResourceClientSecret)
	tests := []struct {
		name       string
		givenToken string
		givenAuth  string
		wantStatus int
		wantActive any
	}{
		{name: "access token", givenToken: login.str("access_token"), givenAuth: rs, wantStatus: 200, wantActive: true},
		{name: "refresh token", givenToken: login.str("refresh_token"), givenAuth: rs, wantStatus: 200, wantActive: true},
		{name: "garbage", givenToken: "garbage", givenAuth: rs, wantStatus: 200, wantActive: false},
		{name: "no credentials", givenToken: login.str("access_token"), wantStatus: 401},
		{name: "wrong secret", givenToken: login.str("access_token"), givenAuth: basic(DemoResourceClientID, "x"), wantStatus: 401},
		{name: "not a resource server", givenToken: login.str("access_token"), givenAuth: basic(DemoConfidentialClientID, DemoConfidentialClientSecret), wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			if tt.givenAuth != "" {
				header = []string{"Authorization", tt.givenAuth}
			}
			r := f.post(PathIntrospect, "token="+url.QueryEscape(tt.givenToken), header...)
			if r.Code != tt.wantStatus || r.body["active"] != tt.wantActive {
				t.Errorf("got %d active %v, want %d %v", r.Code, r.body["active"], tt.wantStatus, tt.wantActive)
			}
			if r.Code == 401 && !strings.HasPrefix(r.Header().Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("401 without a Basic challenge")
			}
		})
	}
	f.clock.Advance(time.Hour)
	if r := f.post(PathIntrospect, "token="+login.str("access_token"), "Authorization", rs); r.body["active"] != false {
		t.Errorf("expired token: active %v, want false", r.body["active"])
	}
}

func TestMetadata(t *testing.T) {
	f := newFixture(t, nil)
	r := f.get(PathMetadata, "")
	want := map[string]string{
		"issuer": "http://rs.test", "token_endpoint": "http://rs.test/token",
		"revocation_endpoint": "http://rs.test/revoke", "introspection_endpoint": "http://rs.test/introspect",
		"jwks_uri": "http://rs.test/.well-known/jwks.json",
	}
	for k, v := range want {
		if r.str(k) != v {
			t.Errorf("%s = %q, want %q", k, r.str(k), v)
		}
	}
	for _, k := range []string{"grant_types_supported", "response_types_supported", "scopes_supported", "token_endpoint_auth_methods_supported"} {
		if _, ok := r.body[k].([]any); !ok {
			t.Errorf("%s missing", k)
		}
	}
	if h := f.get(PathHealth, ""); h.Code != 200 || h.str("status") != "ok" {
		t.Errorf("healthz: %d %v", h.Code, h.body)
	}
}

func TestAlgorithms(t *testing.T) {
	for _, alg := range []string{"HS256", "RS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			f := newFixture(t, func(c *Config) { c.Alg = alg })
			login := f.login()
			if r := f.get(PathSecureData, bearer(login.str("access_token"))); r.Code != http.StatusOK {
				t.Fatalf("token of %s: %d", alg, r.Code)
			}
			var set struct{ Keys []map[string]string }
			_ = json.Unmarshal(f.get(PathJWKS, "").Body.Bytes(), &set)
			wantKeys := 1
			if alg == "HS256" {
				wantKeys = 0
			}
			if len(set.Keys) != wantKeys {
				t.Fatalf("JWKS has %d keys, want %d", len(set.Keys), wantKeys)
			}
			for _, k := range set.Keys {
				if k["kid"] != f.srv.KeyID() || k["alg"] != alg || k["d"] != "" || k["kty"] == "oct" {
					t.Errorf("JWK %v: want kid %s, alg %s, no private member", k, f.srv.KeyID(), alg)
				}
			}
			if (alg == "HS256") != (f.srv.SigningKeyPEM() == nil) {
				t.Errorf("SigningKeyPEM: nil only for HS256")
			}
			again, err := New(Config{Alg: alg, SigningKeyPEM: f.srv.SigningKeyPEM(), Secret: f.srv.HMACSecret(), Users: testUsers(), Now: f.clock.Now, Issuer: "http://rs.test"})
			if err != nil || again.KeyID() != f.srv.KeyID() {
				t.Errorf("reloading the key PEM: %v, kid %s want %s", err, again.KeyID(), f.srv.KeyID())
			}
		})
	}
}

func TestConfig_rejects(t *testing.T) {
	tests := []struct {
		name  string
		given Config
	}{
		{name: "short secret", given: Config{Secret: []byte("short")}},
		{name: "unknown alg", given: Config{Alg: "HS512"}},
		{name: "key of the wrong type", given: Config{Alg: "ES256", SigningKeyPEM: []byte("not a pem")}},
		{name: "unknown fault", given: Config{InsecureFaults: []string{"no-such-fault"}}},
		{name: "zero lifetime", given: Config{TokenLifetime: time.Millisecond}},
		{name: "unknown user scope", given: Config{Users: []User{{Name: "u", PasswordHash: []byte("x"), Scopes: []string{"root"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.given.Users == nil {
				tt.given.Users = testUsers()
			}
			if _, err := New(tt.given); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

func TestRotateSigningKey(t *testing.T) {
	for _, alg := range []string{"HS256", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			f := newFixture(t, func(c *Config) { c.Alg = alg })
			oldKid, old := f.srv.KeyID(), f.accessToken()
			if err := f.srv.RotateSigningKey(); err != nil {
				t.Fatal(err)
			}
			if f.srv.KeyID() == oldKid {
				t.Fatal("kid did not change")
			}
			if r := f.get(PathSecureData, bearer(old)); r.Code != http.StatusOK {
				t.Errorf("old token right after rotation: %d, want 200", r.Code)
			}
			if alg != "HS256" && strings.Count(f.get(PathJWKS, "").Body.String(), `"kid"`) != 2 {
				t.Errorf("JWKS should hold both keys during the overlap")
			}
			f.clock.Advance(DefaultTokenLifetime + DefaultLeeway)
			f.srv.RotateSigningKey() // prunes the retired key
			if r := f.get(PathSecureData, bearer(old)); r.Code != http.StatusUnauthorized {
				t.Errorf("old token after its key retired: %d, want 401", r.Code)
			}
		})
	}
}

func TestPreviousKeys(t *testing.T) {
	f := newFixture(t, nil)
	old := f.accessToken()
	g := newFixture(t, func(c *Config) { c.PreviousKeys = [][]byte{f.srv.HMACSecret()} })
	if r := g.get(PathSecureData, bearer(old)); r.Code != http.StatusOK {
		t.Errorf("token of a previous key: %d, want 200", r.Code)
	}
}
