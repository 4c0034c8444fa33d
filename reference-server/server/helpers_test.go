package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testUsers are the demo users hashed at the cheapest cost, shared by all
// tests to keep them fast.
var testUsers = sync.OnceValue(func() []User {
	users, err := DemoUsers(bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return users
})

// fixture is a server under test with its clock.
type fixture struct {
	t     testing.TB
	srv   *Server
	clock *testClock
}

// newFixture builds a server with the demo users, a test clock and the
// given changes to its config.
func newFixture(t testing.TB, edit func(*Config)) *fixture {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	cfg := Config{Users: testUsers(), Now: clock.Now, Issuer: "http://rs.test"}
	if edit != nil {
		edit(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &fixture{t: t, srv: srv, clock: clock}
}

// response is a recorded response with its decoded JSON body.
type response struct {
	*httptest.ResponseRecorder
	body map[string]any
}

func (r response) str(field string) string {
	s, _ := r.body[field].(string)
	return s
}

// do sends a request and records the response.
func (f *fixture) do(req *http.Request) response {
	f.t.Helper()
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		f.t.Fatalf("%s %s: status %d", req.Method, req.URL, rec.Code)
	}
	r := response{ResponseRecorder: rec}
	_ = json.Unmarshal(rec.Body.Bytes(), &r.body)
	return r
}

// post sends a form body to path.
func (f *fixture) post(path, body string, header ...string) response {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	return f.do(req)
}

// get calls path with the given Authorization header ("" for none).
func (f *fixture) get(path, authorization string) response {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return f.do(req)
}

// passwordForm is a valid password grant body for user.
func passwordForm(user, password string) string {
	return url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}}.Encode()
}

// login returns the token response of a password grant for testuser.
func (f *fixture) login() response {
	f.t.Helper()
	return f.loginAs(DemoUsername, DemoPassword)
}

func (f *fixture) loginAs(user, password string) response {
	f.t.Helper()
	r := f.post(PathToken, passwordForm(user, password))
	if r.Code != http.StatusOK {
		f.t.Fatalf("login %s: status %d, body %s", user, r.Code, r.Body)
	}
	return r
}

// accessToken returns a fresh access token of testuser.
func (f *fixture) accessToken() string {
	f.t.Helper()
	return f.login().str("access_token")
}

// validClaims are the claims of a token the fixture's server accepts.
func (f *fixture) validClaims() jwt.MapClaims {
	now := f.clock.Now()
	return jwt.MapClaims{
		"iss": f.srv.cfg.Issuer, "sub": DemoUsername, "aud": DefaultAudience,
		"exp": now.Add(time.Minute).Unix(), "iat": now.Unix(), "nbf": now.Unix(),
		"jti": "test-jti", "client_id": DefaultClientID, "scope": "read orders",
	}
}

// mint signs claims with the server's HS256 secret after edit changes
// them; header edits go to headerEdit.
func (f *fixture) mint(edit func(jwt.MapClaims), headerEdit func(map[string]any)) string {
	f.t.Helper()
	claims := f.validClaims()
	if edit != nil {
		edit(claims)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["typ"] = "at+jwt"
	if headerEdit != nil {
		headerEdit(tok.Header)
	}
	s, err := tok.SignedString(f.srv.HMACSecret())
	if err != nil {
		f.t.Fatalf("mint: %v", err)
	}
	return s
}

// rawToken assembles a token from a header, claims and signature.
func rawToken(header, claims map[string]any, sig []byte) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding.EncodeToString
	return enc(h) + "." + enc(c) + "." + enc(sig)
}

func bearer(token string) string { return "Bearer " + token }

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

func encodeSegment(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func encodeBytes(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func hmacSHA256(key []byte, text string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(text))
	return mac.Sum(nil)
}
