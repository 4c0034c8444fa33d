package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestBearer_challenges(t *testing.T) {
	tests := []struct {
		name          string
		givenAuth     []string
		givenQuery    string
		wantStatus    int
		wantChallenge string
	}{
		{name: "no credentials", wantStatus: 401, wantChallenge: `Bearer realm="authconform"`},
		{name: "other scheme", givenAuth: []string{"Basic dTpw"}, wantStatus: 401, wantChallenge: `Bearer realm="authconform"`},
		{name: "token only in the query", givenQuery: "?access_token=x", wantStatus: 401, wantChallenge: `Bearer realm="authconform"`},
		{name: "garbage token", givenAuth: []string{"Bearer not-a-jwt"}, wantStatus: 401, wantChallenge: `Bearer realm="authconform", error="invalid_token", error_description="the access token is invalid"`},
		{name: "empty credentials", givenAuth: []string{"Bearer "}, wantStatus: 400, wantChallenge: `Bearer realm="authconform", error="invalid_request", error_description="malformed bearer credentials"`},
		{name: "extra part", givenAuth: []string{"Bearer a b"}, wantStatus: 400, wantChallenge: `Bearer realm="authconform", error="invalid_request", error_description="malformed bearer credentials"`},
		{name: "two headers", givenAuth: []string{"Bearer a", "Bearer b"}, wantStatus: 400, wantChallenge: `Bearer realm="authconform", error="invalid_request", error_description="more than one Authorization header"`},
		{name: "header and query", givenAuth: []string{"Bearer a"}, givenQuery: "?access_token=a", wantStatus: 400, wantChallenge: `Bearer realm="authconform", error="invalid_request", error_description="token sent by more than one method"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			req := httptest.NewRequest(http.MethodGet, PathSecureData+tt.givenQuery, nil)
			for _, v := range tt.givenAuth {
				req.Header.Add("Authorization", v)
			}
			r := f.do(req)
			if r.Code != tt.wantStatus || r.Header().Get("WWW-Authenticate") != tt.wantChallenge {
				t.Errorf("got %d %q, want %d %q", r.Code, r.Header().Get("WWW-Authenticate"), tt.wantStatus, tt.wantChallenge)
			}
		})
	}
}

func TestBearer_validToken(t *testing.T) {
	f := newFixture(t, nil)
	token := f.accessToken()
	for _, auth := range []string{"Bearer " + token, "bearer " + token, "BEARER " + token, "Bearer  " + token} {
		r := f.get(PathSecureData, auth)
		if r.Code != http.StatusOK || r.str("username") != DemoUsername {
			t.Errorf("%.8s…: got %d %v, want 200 and the user", auth, r.Code, r.body)
		}
		if r.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("authenticated response is cacheable")
		}
	}
}

func TestBearer_insufficientScope(t *testing.T) {
	f := newFixture(t, nil)
	r := f.get(PathAdmin, bearer(f.accessToken()))
	want := `Bearer realm="authconform", error="insufficient_scope", error_description="the access token lacks a required scope", scope="admin"`
	if r.Code != http.StatusForbidden || r.Header().Get("WWW-Authenticate") != want {
		t.Errorf("got %d %q, want 403 %q", r.Code, r.Header().Get("WWW-Authenticate"), want)
	}
	admin := f.loginAs(DemoAdminUsername, DemoAdminPassword).str("access_token")
	if r := f.get(PathAdmin, bearer(admin)); r.Code != http.StatusOK {
		t.Errorf("admin: %d, want 200", r.Code)
	}
}

func TestVerify_refusesBadTokens(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name  string
		token func() string
	}{
		{name: "expired", token: func() string {
			return f.mint(func(c jwt.MapClaims) { c["exp"] = f.clock.Now().Add(-time.Hour).Unix() }, nil)
		}},
		{name: "expired beyond the leeway", token: func() string {
			return f.mint(func(c jwt.MapClaims) { c["exp"] = f.clock.Now().Add(-31 * time.Second).Unix() }, nil)
		}},
		{name: "not yet valid", token: func() string {
			return f.mint(func(c jwt.MapClaims) { c["nbf"] = f.clock.Now().Add(time.Hour).Unix() }, nil)
		}},
		{name: "issued in the future", token: func() string {
			return f.mint(func(c jwt.MapClaims) { c["iat"] = f.clock.Now().Add(time.Hour).Unix() }, nil)
		}},
		{name: "no exp", token: func() string { return f.mint(func(c jwt.MapClaims) { delete(c, "exp") }, nil) }},
		{name: "string exp", token: func() string { return f.mint(func(c jwt.MapClaims) { c["exp"] = "9999999999" }, nil) }},
		{name: "huge exp", token: func() string { return f.mint(func(c jwt.MapClaims) { c["exp"] = 1e20 }, nil) }},
		{name: "negative exp", token: func() string { return f.mint(func(c jwt.MapClaims) { c["exp"] = -1 }, nil) }},
		{name: "null exp", token: func() string { return f.mint(func(c jwt.MapClaims) { c["exp"] = nil }, nil) }},
		{name: "wrong audience", token: func() string { return f.mint(func(c jwt.MapClaims) { c["aud"] = "other-rs" }, nil) }},
		{name: "wrong issuer", token: func() string { return f.mint(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }, nil) }},
		{name: "unknown subject", token: func() string { return f.mint(func(c jwt.MapClaims) { c["sub"] = "ghost" }, nil) }},
		{name: "sub of the wrong type", token: func() string { return f.mint(func(c jwt.MapClaims) { c["sub"] = true }, nil) }},
		{name: "typ JWT", token: func() string { return f.mint(nil, func(h map[string]any) { h["typ"] = "JWT" }) }},
		{name: "no typ", token: func() string { return f.mint(nil, func(h map[string]any) { delete(h, "typ") }) }},
		{name: "unknown crit", token: func() string {
			return f.mint(nil, func(h map[string]any) { h["crit"] = []string{"x-unknown"}; h["x-unknown"] = 1 })
		}},
		{name: "unknown kid", token: func() string { return f.mint(nil, func(h map[string]any) { h["kid"] = "../../dev/null" }) }},
		{name: "numeric kid", token: func() string { return f.mint(nil, func(h map[string]any) { h["kid"] = 7 }) }},
		{name: "alg none", token: func() string {
			return rawToken(map[string]any{"alg": "none", "typ": "at+jwt"}, f.validClaims(), nil)
		}},
		{name: "alg HS512 with the HS256 signature", token: func() string {
			parts := strings.Split(f.mint(nil, nil), ".")
			return encodeSegment(`{"alg":"HS512","typ":"at+jwt"}`) + "." + parts[1] + "." + parts[2]
		}},
		{name: "signed with an empty key", token: func() string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, f.validClaims())
			tok.Header["typ"] = "at+jwt"
			s, _ := tok.SigningString()
			return s + "." + encodeBytes(hmacSHA256(nil, s))
		}},
		{name: "payload tampered", token: func() string {
			parts := strings.Split(f.mint(nil, nil), ".")
			c := f.validClaims()
			c["sub"] = DemoAdminUsername
			return parts[0] + "." + strings.Split(rawToken(nil, c, nil), ".")[1] + "." + parts[2]
		}},
		{name: "null signature", token: func() string {
			parts := strings.Split(f.mint(nil, nil), ".")
			return parts[0] + "." + parts[1] + "."
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(PathSecureData, bearer(tt.token()))
			if r.Code != http.StatusUnauthorized || !strings.Contains(r.Header().Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("got %d %q, want 401 invalid_token", r.Code, r.Header().Get("WWW-Authenticate"))
			}
		})
	}
	if r := f.get(PathSecureData, bearer(f.mint(nil, nil))); r.Code != http.StatusOK {
		t.Errorf("the minting itself is wrong: a valid minted token got %d", r.Code)
	}
}

func TestVerify_expiryMovesWithTheClock(t *testing.T) {
	f := newFixture(t, nil)
	token := f.accessToken()
	f.clock.Advance(DefaultTokenLifetime + DefaultLeeway - time.Second)
	if r := f.get(PathSecureData, bearer(token)); r.Code != http.StatusOK {
		t.Fatalf("within the leeway: %d, want 200", r.Code)
	}
	f.clock.Advance(2 * time.Second)
	if r := f.get(PathSecureData, bearer(token)); r.Code != http.StatusUnauthorized {
		t.Errorf("after exp and leeway: %d, want 401", r.Code)
	}
}
