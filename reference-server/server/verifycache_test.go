package server

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestVerifiedCache_refusesWhatChanged presents a token once, so that it
// is cached, changes what its validity depends on, and expects the same
// refusal a token seen for the first time gets.
func TestVerifiedCache_refusesWhatChanged(t *testing.T) {
	cases := []struct {
		name string
		// token returns the token to present; change makes it invalid.
		token  func(f *fixture) string
		change func(t *testing.T, f *fixture, token string)
	}{
		{
			name:  "revoked",
			token: func(f *fixture) string { return f.accessToken() },
			change: func(t *testing.T, f *fixture, token string) {
				if r := f.post(PathRevoke, url.Values{"token": {token}}.Encode()); r.Code != http.StatusOK {
					t.Fatalf("revoke: %d", r.Code)
				}
			},
		},
		{
			name:  "expired",
			token: func(f *fixture) string { return f.accessToken() },
			change: func(_ *testing.T, f *fixture, _ string) {
				f.clock.Advance(DefaultTokenLifetime + DefaultLeeway + time.Second)
			},
		},
		{
			name: "its key retired",
			token: func(f *fixture) string {
				kid := f.srv.KeyID()
				return f.mint(func(c jwt.MapClaims) { c["exp"] = f.clock.Now().Add(2 * time.Hour).Unix() },
					func(h map[string]any) { h["kid"] = kid })
			},
			change: retireKey,
		},
		{
			// Without a kid a token names the current key, which a rotation
			// replaces at once.
			name: "key rotated, no kid",
			token: func(f *fixture) string {
				return f.mint(func(c jwt.MapClaims) { c["exp"] = f.clock.Now().Add(2 * time.Hour).Unix() }, nil)
			},
			change: func(t *testing.T, f *fixture, _ string) {
				if err := f.srv.RotateSigningKey(); err != nil {
					t.Fatal(err)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			token := tc.token(f)
			for range 2 { // the second is a cache hit
				if r := f.get(PathSecureData, bearer(token)); r.Code != http.StatusOK {
					t.Fatalf("before the change: %d %s, want 200", r.Code, r.Body)
				}
			}
			tc.change(t, f, token)
			for i := range 2 {
				r := f.get(PathSecureData, bearer(token))
				if r.Code != http.StatusUnauthorized || r.str("error") != codeInvalidToken {
					t.Errorf("presentation %d after the change: %d %s, want 401 invalid_token", i+1, r.Code, r.Body)
				}
			}
		})
	}
}

// retireKey rotates the signing key, presents the token again, which is
// still valid during the overlap and so cached anew, then moves the clock
// past the old key's retirement without another rotation.
func retireKey(t *testing.T, f *fixture, token string) {
	t.Helper()
	if err := f.srv.RotateSigningKey(); err != nil {
		t.Fatal(err)
	}
	if r := f.get(PathSecureData, bearer(token)); r.Code != http.StatusOK {
		t.Fatalf("during the overlap: %d, want 200", r.Code)
	}
	f.clock.Advance(DefaultTokenLifetime + DefaultLeeway + time.Second)
}

// TestVerifiedCache_hitAnswersAsMiss compares the bodies of a first and a
// repeated presentation, byte for byte, for each protected resource.
func TestVerifiedCache_hitAnswersAsMiss(t *testing.T) {
	f := newFixture(t, nil)
	user := f.accessToken()
	admin := f.post(PathToken, passwordForm(DemoAdminUsername, DemoAdminPassword)+"&scope="+ScopeAdmin).str("access_token")
	cases := []struct {
		name, path, token, wantBody string
	}{
		{name: "secure data", path: PathSecureData, token: user,
			wantBody: `{"data":"This is secure data","username":"testuser"}` + "\n"},
		{name: "me", path: PathMe, token: user},
		{name: "admin", path: PathAdmin, token: admin},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first := f.get(tc.path, bearer(tc.token))
			second := f.get(tc.path, bearer(tc.token))
			if first.Code != http.StatusOK || second.Code != http.StatusOK {
				t.Fatalf("statuses %d and %d, want 200", first.Code, second.Code)
			}
			if first.Body.String() != second.Body.String() {
				t.Errorf("bodies differ: %q then %q", first.Body, second.Body)
			}
			if tc.wantBody != "" && first.Body.String() != tc.wantBody {
				t.Errorf("body %q, want %q", first.Body, tc.wantBody)
			}
		})
	}
}

// TestVerifiedCache_offWithFaults: a fault changes what verification
// accepts, so a server with one has no cache.
func TestVerifiedCache_offWithFaults(t *testing.T) {
	if f := newFixture(t, nil); f.srv.verified == nil {
		t.Error("no cache without faults")
	}
	f := newFixture(t, func(c *Config) { c.InsecureFaults = []string{faultExpNotChecked} })
	if f.srv.verified != nil {
		t.Error("a cache with a fault on")
	}
}

// TestVerifiedCache_bounded fills the cache past its size.
func TestVerifiedCache_bounded(t *testing.T) {
	f := newFixture(t, nil)
	for i := range verifiedCacheSize + 10 {
		token := f.mint(func(c jwt.MapClaims) { c["jti"] = fmt.Sprint("jti-", i) }, nil)
		if r := f.get(PathSecureData, bearer(token)); r.Code != http.StatusOK {
			t.Fatalf("token %d: %d", i, r.Code)
		}
	}
	if n := len(f.srv.verified.entries); n != verifiedCacheSize {
		t.Errorf("%d entries, want %d", n, verifiedCacheSize)
	}
}

// TestVerifiedCache_concurrentRotation presents tokens while the key
// rotates, for the race detector; every answer must be 200 (the old key
// stays live during the overlap).
func TestVerifiedCache_concurrentRotation(t *testing.T) {
	f := newFixture(t, nil)
	tokens := []string{f.accessToken(), f.accessToken(), f.accessToken()}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				token := tokens[(w+i)%len(tokens)]
				if r := f.get(PathSecureData, bearer(token)); r.Code != http.StatusOK {
					t.Errorf("worker %d: %d", w, r.Code)
					return
				}
			}
		})
	}
	for range 5 {
		if err := f.srv.RotateSigningKey(); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
}
