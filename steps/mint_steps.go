package steps

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/authconform/authconform/steps/jwtforge"
)

// Minted tokens are signed with the profile's key and stamped on the
// target's clock (from its Date header, DESIGN.md note 4), starting from
// the claims of a real token so that only the named claim is wrong.

// mintedLifetime is the exp of a correctly minted token, from now.
const mintedLifetime = 10 * time.Minute

// mint signs a token like the target's own, changed by edit. It is the
// one minting path: the keyed checks and the QA vocabulary both use it.
// Every token gets a jti of its own, since a target that detects replay
// would refuse a second token with the same one.
func (s *Suite) mint(edit func(header, claims map[string]any)) (string, error) {
	sk := s.target.SigningKey
	if sk == nil || s.signKey == nil {
		return "", fmt.Errorf("%w: no signing key in the profile", ErrUnmetNeed)
	}
	sample := s.probe.sample
	if sample == nil {
		return "", fmt.Errorf("%w: the target's access tokens are not JWTs", ErrUnmetNeed)
	}
	header, claims := sample.HeaderCopy(), sample.ClaimsCopy()
	if sk.KeyID != "" {
		header["kid"] = sk.KeyID
	}
	now := s.targetNow().Unix()
	for _, name := range []string{"iat", "nbf"} {
		if _, ok := claims[name]; ok {
			claims[name] = now
		}
	}
	claims["exp"] = now + int64(mintedLifetime.Seconds())
	if _, ok := claims["jti"]; ok {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		claims["jti"] = base64.RawURLEncoding.EncodeToString(b)
	}
	if s.target.Issuer != "" {
		claims["iss"] = s.target.Issuer
	}
	if s.target.Audience != "" {
		claims["aud"] = s.target.Audience
	}
	if edit != nil {
		edit(header, claims)
	}
	return jwtforge.Mint(sk.Alg, s.signKey, header, claims)
}

// mintSanity is F23 as a precondition: a correctly minted token must open
// the protected resource, or the keyed checks would pass for the wrong
// reason. It runs once per suite.
func (s *Suite) mintSanity(ctx context.Context) error {
	s.mintOnce.Do(func() {
		st := s.newScenario()
		if err := st.mintedCorrectly(ctx); err != nil {
			s.mintErr = err
			return
		}
		if err := st.presentForgedTokens(ctx); err != nil {
			s.mintErr = err
			return
		}
		if a := st.answers[0]; a.ex == nil || a.ex.status != http.StatusOK {
			s.mintErr = fmt.Errorf("%w: a token minted with the profile's key is refused (see F23), so the key or the claims do not match the target's",
				ErrInconclusive)
		}
	})
	return s.mintErr
}

func (st *scenario) mintedCorrectly(context.Context) error {
	tok, err := st.suite.mint(nil)
	if err != nil {
		return err
	}
	st.forge("minted with the profile's key and the claims of a real one", tok)
	return nil
}

// mintedVariants are the keyed tokens of F18–F22 and E02–E08 by the words
// a feature uses after "whose".
var mintedVariants = map[string]func(now int64, h, c map[string]any){
	"audience is another resource server":      func(_ int64, _, c map[string]any) { c["aud"] = "other-rs" },
	"issuer is another authority":              func(_ int64, _, c map[string]any) { c["iss"] = "https://evil.example" },
	"subject is an unknown user":               func(_ int64, _, c map[string]any) { c["sub"] = "ghost-" + fmt.Sprint(time.Now().UnixNano()) },
	"type is plain JWT":                        func(_ int64, h, _ map[string]any) { h["typ"] = "JWT" },
	"header has an unknown critical parameter": func(_ int64, h, _ map[string]any) { jwtforge.AddCrit(h) },
	"expiry was an hour ago":                   func(now int64, _, c map[string]any) { c["exp"] = now - 3600 },
	"expiry was 330 seconds ago":               func(now int64, _, c map[string]any) { c["exp"] = now - 330 },
	"not-before time is an hour from now":      func(now int64, _, c map[string]any) { c["nbf"] = now + 3600 },
	"issue time is an hour from now":           func(now int64, _, c map[string]any) { c["iat"] = now + 3600 },
	"expiry is missing":                        func(_ int64, _, c map[string]any) { delete(c, "exp") },
	"expiry is a string of digits":             func(_ int64, _, c map[string]any) { c["exp"] = "9999999999" },
	"expiry is negative":                       func(_ int64, _, c map[string]any) { c["exp"] = -1 },
	"expiry is 1e20":                           func(_ int64, _, c map[string]any) { c["exp"] = json.Number("1e20") },
	"expiry is a fractional time an hour from now": func(now int64, _, c map[string]any) {
		c["exp"] = json.Number(fmt.Sprintf("%d.5", now+3600))
	},
}

func (st *scenario) mintedWith(ctx context.Context, variant string) error {
	edit, ok := mintedVariants[variant]
	if !ok {
		return fmt.Errorf("unknown minted token %q", variant)
	}
	if variant == "issuer is another authority" && st.suite.target.Issuer == "" {
		if _, ok := st.suite.probe.sample.Claims["iss"]; !ok {
			return fmt.Errorf("%w: the target's tokens carry no iss and the profile names no issuer, so there is no issuer to check", ErrUnmetNeed)
		}
	}
	if err := st.suite.mintSanity(ctx); err != nil {
		return err
	}
	now := st.suite.targetNow().Unix()
	tok, err := st.suite.mint(func(h, c map[string]any) { edit(now, h, c) })
	if err != nil {
		return err
	}
	st.forge("minted with the profile's key whose "+variant, tok)
	return nil
}

// forgedTokensShouldBeAccepted is for the positive controls: F23, and the
// legal fractional NumericDate of E08.
func (st *scenario) forgedTokensShouldBeAccepted() error {
	for _, a := range st.answers {
		if a.ex == nil || a.ex.status != http.StatusOK {
			st.last = a.ex
			got := "no answer"
			if a.ex != nil {
				got = st.lastStatus()
			}
			return st.mismatch("200 for a token "+a.what, got)
		}
	}
	return nil
}

// forgedTokensShouldGetNoServerError is for values whose treatment RFC 7519
// leaves open: refusing and accepting both conform; a 5xx does not.
func (st *scenario) forgedTokensShouldGetNoServerError() error {
	for _, a := range st.answers {
		if a.ex != nil && a.ex.status >= 500 {
			st.last = a.ex
			return st.mismatch("an answer other than a server error to a token "+a.what, st.lastStatus())
		}
	}
	return nil
}
