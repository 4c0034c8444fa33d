package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestToken_passwordGrant(t *testing.T) {
	f := newFixture(t, nil)
	r := f.login()

	if got := r.Header().Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if r.Header().Get("Cache-Control") != "no-store" || r.Header().Get("Pragma") != "no-cache" {
		t.Errorf("Cache-Control %q, Pragma %q: want no-store, no-cache", r.Header().Get("Cache-Control"), r.Header().Get("Pragma"))
	}
	if r.str("token_type") != "Bearer" || r.body["expires_in"] != float64(900) || r.str("scope") != "read orders" {
		t.Errorf("body = %v, want Bearer, expires_in 900, scope \"read orders\"", r.body)
	}
	if rt := r.str("refresh_token"); len(rt) < 22 {
		t.Errorf("refresh_token %q: want at least 128 bits", rt)
	}

	tok, _, err := jwt.NewParser().ParseUnverified(r.str("access_token"), jwt.MapClaims{})
	if err != nil {
		t.Fatalf("parse access token: %v", err)
	}
	if tok.Header["typ"] != "at+jwt" || tok.Header["kid"] == nil {
		t.Errorf("header = %v, want typ at+jwt and a kid", tok.Header)
	}
	claims := tok.Claims.(jwt.MapClaims)
	for _, name := range []string{"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope"} {
		if _, ok := claims[name]; !ok {
			t.Errorf("claim %s missing (RFC 9068 §2.2)", name)
		}
	}
	if claims["exp"].(float64)-claims["iat"].(float64) != 900 {
		t.Errorf("exp - iat = %v, want 900", claims["exp"].(float64)-claims["iat"].(float64))
	}
}

func TestToken_errors(t *testing.T) {
	tests := []struct {
		name        string
		givenBody   string
		givenType   string
		givenHeader []string
		wantStatus  int
		wantError   string
	}{
		{name: "wrong password", givenBody: passwordForm(DemoUsername, "nope"), wantStatus: 400, wantError: "invalid_grant"},
		{name: "unknown user", givenBody: passwordForm("ghost", "x"), wantStatus: 400, wantError: "invalid_grant"},
		{name: "missing grant_type", givenBody: "username=testuser&password=testpass", wantStatus: 400, wantError: "invalid_request"},
		{name: "empty grant_type", givenBody: "grant_type=&username=testuser&password=testpass", wantStatus: 400, wantError: "invalid_request"},
		{name: "unsupported grant", givenBody: "grant_type=foo&username=testuser&password=testpass", wantStatus: 400, wantError: "unsupported_grant_type"},
		{name: "missing username", givenBody: "grant_type=password&password=testpass", wantStatus: 400, wantError: "invalid_request"},
		{name: "missing password", givenBody: "grant_type=password&username=testuser", wantStatus: 400, wantError: "invalid_request"},
		{name: "repeated password", givenBody: passwordForm(DemoUsername, DemoPassword) + "&password=testpass", wantStatus: 400, wantError: "invalid_request"},
		{name: "repeated grant_type", givenBody: passwordForm(DemoUsername, DemoPassword) + "&grant_type=password", wantStatus: 400, wantError: "invalid_request"},
		{name: "bad form encoding", givenBody: "grant_type=%zz", wantStatus: 400, wantError: "invalid_request"},
		{name: "JSON body", givenBody: `{"grant_type":"password","username":"testuser","password":"testpass"}`, givenType: "application/json", wantStatus: 400, wantError: "invalid_request"},
		{name: "no content type", givenBody: passwordForm(DemoUsername, DemoPassword), givenType: "-", wantStatus: 400, wantError: "invalid_request"},
		{name: "unknown scope", givenBody: passwordForm(DemoUsername, DemoPassword) + "&scope=nonexistent", wantStatus: 400, wantError: "invalid_scope"},
		{name: "scope the user lacks", givenBody: passwordForm(DemoUsername, DemoPassword) + "&scope=admin", wantStatus: 400, wantError: "invalid_scope"},
		{name: "blank scope", givenBody: passwordForm(DemoUsername, DemoPassword) + "&scope=+", wantStatus: 400, wantError: "invalid_scope"},
		{name: "repeated scope", givenBody: passwordForm(DemoUsername, DemoPassword) + "&scope=read&scope=read", wantStatus: 400, wantError: "invalid_request"},
		{name: "bad Basic client secret", givenBody: passwordForm(DemoUsername, DemoPassword), givenHeader: []string{"Authorization", basic(DemoConfidentialClientID, "wrong")}, wantStatus: 401, wantError: "invalid_client"},
		{name: "Basic for an unknown client", givenBody: passwordForm(DemoUsername, DemoPassword), givenHeader: []string{"Authorization", basic("nobody", "x")}, wantStatus: 401, wantError: "invalid_client"},
		{name: "Basic that is not base64", givenBody: passwordForm(DemoUsername, DemoPassword), givenHeader: []string{"Authorization", "Basic ***"}, wantStatus: 401, wantError: "invalid_client"},
		{name: "Bearer scheme at the token endpoint", givenBody: passwordForm(DemoUsername, DemoPassword), givenHeader: []string{"Authorization", "Bearer x"}, wantStatus: 401, wantError: "invalid_client"},
		{name: "bad post client secret", givenBody: passwordForm(DemoUsername, DemoPassword) + "&client_id=" + DemoConfidentialClientID + "&client_secret=wrong", wantStatus: 400, wantError: "invalid_client"},
		{name: "client_secret without client_id", givenBody: passwordForm(DemoUsername, DemoPassword) + "&client_secret=x", wantStatus: 400, wantError: "invalid_request"},
		{name: "two client authentication methods", givenBody: passwordForm(DemoUsername, DemoPassword) + "&client_secret=" + DemoConfidentialClientSecret, givenHeader: []string{"Authorization", basic(DemoConfidentialClientID, DemoConfidentialClientSecret)}, wantStatus: 400, wantError: "invalid_request"},
		{name: "confidential client without secret", givenBody: passwordForm(DemoUsername, DemoPassword) + "&client_id=" + DemoConfidentialClientID, wantStatus: 400, wantError: "invalid_client"},
		{name: "unknown public client", givenBody: passwordForm(DemoUsername, DemoPassword) + "&client_id=nobody", wantStatus: 400, wantError: "invalid_client"},
		{name: "resource server asks for a token", givenBody: passwordForm(DemoUsername, DemoPassword), givenHeader: []string{"Authorization", basic(DemoResourceClientID, DemoResourceClientSecret)}, wantStatus: 400, wantError: "unauthorized_client"},
		{name: "garbage refresh token", givenBody: "grant_type=refresh_token&refresh_token=garbage", wantStatus: 400, wantError: "invalid_grant"},
		{name: "refresh without token", givenBody: "grant_type=refresh_token", wantStatus: 400, wantError: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			req := httptest.NewRequest(http.MethodPost, PathToken, strings.NewReader(tt.givenBody))
			switch tt.givenType {
			case "":
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			case "-":
			default:
				req.Header.Set("Content-Type", tt.givenType)
			}
			for i := 0; i+1 < len(tt.givenHeader); i += 2 {
				req.Header.Set(tt.givenHeader[i], tt.givenHeader[i+1])
			}
			r := f.do(req)

			if r.Code != tt.wantStatus || r.str("error") != tt.wantError {
				t.Errorf("got %d %q, want %d %q (body %s)", r.Code, r.str("error"), tt.wantStatus, tt.wantError, r.Body)
			}
			if r.body["access_token"] != nil {
				t.Error("an error response carries an access_token")
			}
			if r.Header().Get("Cache-Control") != "no-store" || r.Header().Get("Pragma") != "no-cache" {
				t.Error("error response may be cached: want Cache-Control no-store and Pragma no-cache")
			}
			if tt.wantStatus == 401 && !strings.HasPrefix(r.Header().Get("WWW-Authenticate"), `Basic realm="`) {
				t.Errorf("WWW-Authenticate = %q, want a Basic challenge", r.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

func TestToken_otherMethodsAre405(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			f := newFixture(t, nil)
			r := f.do(httptest.NewRequest(method, PathToken+"?"+passwordForm(DemoUsername, DemoPassword), nil))
			if r.Code != http.StatusMethodNotAllowed || r.Header().Get("Allow") != "POST" {
				t.Errorf("got %d Allow %q, want 405 Allow POST", r.Code, r.Header().Get("Allow"))
			}
			if r.body["access_token"] != nil {
				t.Error("a token was issued")
			}
		})
	}
}

// TestToken_oversizeBodyIsNotCacheable: the body limit answers before the
// handler does, and its 413 must forbid caching like every other answer of
// the token endpoint (RFC 6749 §5.1).
func TestToken_oversizeBodyIsNotCacheable(t *testing.T) {
	f := newFixture(t, nil)
	body := passwordForm(DemoUsername, DemoPassword) + "&pad=" + strings.Repeat("x", 70<<10)
	r := f.post(PathToken, body)
	if r.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", r.Code)
	}
	if got := r.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := r.Header().Get("Pragma"); got != "no-cache" {
		t.Errorf("Pragma = %q, want no-cache", got)
	}
}

func TestToken_clientAuthentication(t *testing.T) {
	tests := []struct {
		name       string
		givenExtra string
		givenAuth  string
		wantClient string
	}{
		{name: "no client: the default public client", wantClient: DefaultClientID},
		{name: "public client by id", givenExtra: "&client_id=" + DefaultClientID, wantClient: DefaultClientID},
		{name: "client_secret_basic", givenAuth: basic(DemoConfidentialClientID, DemoConfidentialClientSecret), wantClient: DemoConfidentialClientID},
		{name: "client_secret_post", givenExtra: "&client_id=" + DemoConfidentialClientID + "&client_secret=" + DemoConfidentialClientSecret, wantClient: DemoConfidentialClientID},
		{name: "Basic with the matching client_id in the body", givenExtra: "&client_id=" + DemoConfidentialClientID, givenAuth: basic(DemoConfidentialClientID, DemoConfidentialClientSecret), wantClient: DemoConfidentialClientID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			var header []string
			if tt.givenAuth != "" {
				header = []string{"Authorization", tt.givenAuth}
			}
			r := f.post(PathToken, passwordForm(DemoUsername, DemoPassword)+tt.givenExtra, header...)
			if r.Code != http.StatusOK {
				t.Fatalf("status %d, body %s", r.Code, r.Body)
			}
			me := f.get(PathMe, bearer(r.str("access_token")))
			if me.str("client_id") != tt.wantClient {
				t.Errorf("client_id = %q, want %q", me.str("client_id"), tt.wantClient)
			}
		})
	}
}

func TestToken_scopeNarrowing(t *testing.T) {
	f := newFixture(t, nil)
	r := f.post(PathToken, passwordForm(DemoAdminUsername, DemoAdminPassword)+"&scope=read+read")
	if r.Code != http.StatusOK || r.str("scope") != "read" {
		t.Fatalf("got %d scope %q, want 200 scope read", r.Code, r.str("scope"))
	}
	if got := f.get(PathAdmin, bearer(r.str("access_token"))); got.Code != http.StatusForbidden {
		t.Errorf("admin with a read-only token: %d, want 403", got.Code)
	}
}

func TestToken_throttling(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.ThrottleFailures, c.ThrottleLockout = 3, time.Minute })
	for range 3 {
		if r := f.post(PathToken, passwordForm(DemoUsername, "wrong")); r.Code != http.StatusBadRequest {
			t.Fatalf("wrong password before the lock-out: %d, want 400", r.Code)
		}
	}
	r := f.post(PathToken, passwordForm(DemoUsername, DemoPassword))
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") != "60" {
		t.Fatalf("locked out: got %d Retry-After %q, want 429 and 60", r.Code, r.Header().Get("Retry-After"))
	}
	if other := f.post(PathToken, passwordForm(DemoAdminUsername, DemoAdminPassword)); other.Code != http.StatusOK {
		t.Errorf("another user during the lock-out: %d, want 200", other.Code)
	}

	f.clock.Advance(time.Minute)
	f.loginAs(DemoUsername, DemoPassword)
}

func TestToken_throttlingOff(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.ThrottleFailures = -1 })
	for range 2 * DefaultThrottleFailures {
		f.post(PathToken, passwordForm(DemoUsername, "wrong"))
	}
	f.login()
}
