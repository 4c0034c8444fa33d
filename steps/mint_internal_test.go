package steps

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authconform/authconform/steps/jwtforge"
)

// clockSkew is how far the skewed target's clock runs ahead of the
// runner's: far more than any test takes, so an exp on the runner's clock
// cannot pass for one on the target's.
const clockSkew = 3 * time.Hour

// skewedTarget serves a token endpoint whose HS256 tokens carry a jti and
// whose Date header runs clockSkew ahead of the runner's clock.
func skewedTarget(t *testing.T, secret []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now().Add(clockSkew)
		w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
		if r.URL.Path != DefaultTokenPath {
			http.NotFound(w, r)
			return
		}
		tok, err := jwtforge.SignHMAC("HS256", secret, map[string]any{"typ": "JWT"}, map[string]any{
			"sub": "u", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": "issued-by-target",
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestVocabMint_freshJTIOnTargetClock: the vocabulary's minted tokens go
// through Suite.mint, so two in one scenario differ in jti (a target that
// detects replay refuses a second one otherwise), and an expired token's
// exp is on the target's clock from its Date header, not the runner's.
func TestVocabMint_freshJTIOnTargetClock(t *testing.T) {
	secret := []byte("a-test-hmac-secret-of-some-length")
	s, err := New(Target{
		BaseURL: skewedTarget(t, secret).URL, Username: "u", Password: NewSecret("pw"),
		Issuer: "https://as.example", Audience: "orders-api",
		SigningKey: &SigningKey{Alg: "HS256", Key: NewSecret(string(secret))},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	v := &vocab{st: s.newScenario(), vars: map[string]string{}}
	ctx := context.Background()

	claimsOf := func(raw string) map[string]any {
		t.Helper()
		tok, err := jwtforge.Parse(raw)
		if err != nil {
			t.Fatalf("parse a minted token: %v", err)
		}
		if !tok.VerifiesWithHMAC(secret) {
			t.Fatal("a minted token does not verify with the profile's key")
		}
		return tok.Claims
	}
	if err := v.expiredToken(ctx, 1, "hour"); err != nil {
		t.Fatal(err)
	}
	expired := claimsOf(v.st.token)
	if err := v.notYetValidToken(ctx, 1, "hour"); err != nil {
		t.Fatal(err)
	}
	notYet := claimsOf(v.st.token)

	if expired["jti"] == notYet["jti"] || expired["jti"] == "issued-by-target" {
		t.Errorf("jti %v then %v: want a fresh jti per minted token", expired["jti"], notYet["jti"])
	}
	for _, c := range []map[string]any{expired, notYet} {
		if c["iss"] != "https://as.example" || c["aud"] != "orders-api" {
			t.Errorf("iss %v, aud %v: want the profile's issuer and audience", c["iss"], c["aud"])
		}
	}
	exp, ok := numericClaim(expired, "exp")
	if !ok {
		t.Fatalf("exp %v is not a number", expired["exp"])
	}
	// The Date header has one-second resolution; allow a few seconds.
	want := time.Now().Add(clockSkew - time.Hour).Unix()
	if d := exp - want; d < -5 || d > 5 {
		t.Errorf("exp is %ds from the target's clock minus an hour; want it within 5s (the runner's clock would be %ds off)",
			d, int64(clockSkew.Seconds()))
	}
}
