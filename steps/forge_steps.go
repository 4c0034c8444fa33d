package steps

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/authconform/authconform/steps/jwtforge"
)

// The Given steps below each forge the tokens one check of CHECKS.md §2.3
// presents. They start from the scenario's valid access token so that
// everything the forgery does not touch is live and correct.

func (st *scenario) tamperedPayload(ctx context.Context, change string) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	switch change {
	case "another subject":
		st.forge("with another subject and the original signature", t.WithClaims(func(c map[string]any) {
			c["sub"] = "admin-" + st.marker
		}))
	case "an admin claim added":
		st.forge("with an admin claim added and the original signature", t.WithClaims(func(c map[string]any) {
			c["admin"] = true
		}))
	default:
		return fmt.Errorf("unknown payload change %q: use \"another subject\" or \"an admin claim added\"", change)
	}
	return nil
}

func (st *scenario) brokenSignature(ctx context.Context, how string) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	switch how {
	case "truncated":
		st.forge("whose signature lost its last 4 characters", t.TruncatedSignature())
	case "bit-flipped":
		st.forge("with one bit of its signature flipped", t.FlippedSignature())
	case "emptied":
		st.forge("with an empty signature segment", t.EmptySignature())
	case "zeroed":
		st.forge("whose signature is all zero bytes", t.ZeroSignature())
	default:
		return fmt.Errorf("unknown signature damage %q: use truncated, bit-flipped, emptied or zeroed", how)
	}
	return nil
}

func (st *scenario) algNone(ctx context.Context, spelling string, keep bool) error {
	if !strings.EqualFold(spelling, "none") {
		return fmt.Errorf("%q is not a spelling of none", spelling)
	}
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("with alg %q and no signature", spelling)
	if keep {
		what = fmt.Sprintf("with alg %q and the original signature", spelling)
	}
	st.forge(what, t.AlgNone(spelling, keep))
	return nil
}

func (st *scenario) algNoneWithoutSignature(ctx context.Context, spelling string) error {
	return st.algNone(ctx, spelling, false)
}

func (st *scenario) algNoneKeepingSignature(ctx context.Context, spelling string) error {
	return st.algNone(ctx, spelling, true)
}

func (st *scenario) blankHMACSecret(ctx context.Context) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	tok, err := t.ResignHMAC("HS256", nil, nil)
	if err != nil {
		return err
	}
	st.forge("re-signed with HS256 and an empty secret", tok)
	return nil
}

func (st *scenario) keyConfusion(ctx context.Context, form string) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	key, err := st.suite.probe.publicKey()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnmetNeed, err)
	}
	secret, err := jwtforge.PublicKeyBytes(key, form)
	if err != nil {
		return err
	}
	tok, err := t.ResignHMAC("HS256", secret, nil)
	if err != nil {
		return err
	}
	st.forge("signed with HS256 keyed by the target's public key in "+form+" form", tok)
	return nil
}

func (st *scenario) algSibling(ctx context.Context, bits int) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	alg := jwtforge.Sibling(t.Alg(), bits)
	switch {
	case alg == "":
		return fmt.Errorf("%w: the token's algorithm %s has no family of hash sizes", ErrUnmetNeed, t.Alg())
	case alg == t.Alg():
		return fmt.Errorf("%w: %s is the token's own algorithm", ErrUnmetNeed, alg)
	}
	st.forge(fmt.Sprintf("whose alg says %s over a %s signature", alg, t.Alg()), t.SwapAlg(alg))
	return nil
}

// processAttacker is the attacker key of every suite in the process: it
// stands for a key the target has never seen, which one key does as well as
// many, and an RSA key costs a good part of a run's CPU to generate.
var processAttacker = sync.OnceValues(jwtforge.NewAttacker)

// attacker returns the suite's attacker key and the loopback server of it,
// created once.
func (s *Suite) attackerKey() (*jwtforge.Attacker, *jwtforge.KeyServer, error) {
	s.attackerOnce.Do(func() {
		s.attacker, s.attackerErr = processAttacker()
		if s.attackerErr == nil {
			s.keyServer, s.attackerErr = jwtforge.NewKeyServer(s.attacker)
		}
	})
	return s.attacker, s.keyServer, s.attackerErr
}

func (st *scenario) embeddedJWK(ctx context.Context) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	a, _, err := st.suite.attackerKey()
	if err != nil {
		return err
	}
	tok, err := a.EmbeddedJWK(t)
	if err != nil {
		return err
	}
	st.forge("signed by the harness's key, embedded in its jwk header", tok)
	return nil
}

func (st *scenario) keyURL(ctx context.Context, param string) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	a, ks, err := st.suite.attackerKey()
	if err != nil {
		return err
	}
	path := map[string]string{"jku": jwtforge.PathJWKS, "x5u": jwtforge.PathX5U}[param]
	tok, err := a.KeyURL(t, param, ks.URL(path))
	if err != nil {
		return err
	}
	st.forge("signed by the harness's key, whose "+param+" header points at it", tok)
	return nil
}

// theKeyServerShouldNotBeFetched checks that the target did not follow a
// URL from a token's header. It can only see fetches from a target on the
// runner's host, since the key server listens on loopback.
func (st *scenario) theKeyServerShouldNotBeFetched() error {
	_, ks, err := st.suite.attackerKey()
	if err != nil {
		return err
	}
	for _, path := range []string{jwtforge.PathJWKS, jwtforge.PathX5U} {
		if n := ks.Fetches(path); n > 0 {
			return st.mismatch("no fetch of a key URL taken from a token header (RFC 8725 §3.10)",
				fmt.Sprintf("the target fetched %s %d time(s)", path, n))
		}
	}
	return nil
}

func (st *scenario) kidInjection(ctx context.Context, kid, secret string) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	tok, err := t.ResignHMAC("HS256", []byte(secret), func(h map[string]any) { h["kid"] = kid })
	if err != nil {
		return err
	}
	st.forge(fmt.Sprintf("with kid %q, signed with HS256 and the secret %q", kid, secret), tok)
	return nil
}

func (st *scenario) psychicSignature(ctx context.Context, alg, form string) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	var der bool
	switch form {
	case "DER r=s=0":
		der = true
	case "all-zero bytes":
	default:
		return fmt.Errorf("unknown psychic signature form %q: use \"DER r=s=0\" or \"all-zero bytes\"", form)
	}
	tok, err := t.Psychic(alg, der)
	if err != nil {
		return err
	}
	st.forge(fmt.Sprintf("with alg %s and a psychic signature (%s)", alg, form), tok)
	return nil
}

// eachClaimInjected forges one token per claim of the valid token, that
// claim replaced by a marker (jwt_tool's claim processing check; F14).
func (st *scenario) eachClaimInjected(ctx context.Context) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	for name := range t.Claims {
		st.forge(fmt.Sprintf("whose %q claim was replaced by a marker", name), t.WithClaims(func(c map[string]any) {
			c[name] = "jwt_inject_" + st.marker + "_" + name
		}))
	}
	return nil
}

func (st *scenario) nullByte(ctx context.Context, where string) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	switch where {
	case "after its payload":
		st.forge("with a NUL and a marker after its payload", t.NullByteAfterPayload(st.marker))
	case "inside its subject":
		st.forge("with a NUL and a marker inside its subject", t.NullByteInClaim("sub", st.marker))
	default:
		return fmt.Errorf("unknown null byte position %q: use \"after its payload\" or \"inside its subject\"", where)
	}
	return nil
}

// jsonTypes are the values of F16 by the name a feature uses.
var jsonTypes = map[string]any{"null": nil, "true": true, "false": false, "zero": 0, "a string": "x"}

func (st *scenario) forcedType(ctx context.Context, part, claim, kind string) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	v, ok := jsonTypes[kind]
	if !ok {
		return fmt.Errorf("unknown JSON value %q: use null, true, false, zero or a string", kind)
	}
	set := func(m map[string]any) { m[claim] = v }
	what := fmt.Sprintf("whose %s %q is %s", part, claim, kind)
	switch part {
	case "header":
		st.forge(what, t.WithHeader(set))
	case "payload":
		st.forge(what, t.WithClaims(set))
	default:
		return fmt.Errorf("unknown token part %q: use header or payload", part)
	}
	return nil
}

func (st *scenario) malformed(ctx context.Context, how string) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	tok, err := t.Malformed(how)
	if err != nil {
		return err
	}
	st.forge("with "+how, tok)
	return nil
}

func (st *scenario) unknownCrit(ctx context.Context) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	st.forge("with an unknown critical header and the original signature", t.Crit())
	return nil
}

// keylessForgeries forges one token of each kind that needs no key, for the
// timing check X06.
func (st *scenario) keylessForgeries(ctx context.Context) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	st.forge("with alg none", t.AlgNone("none", false))
	st.forge("with a broken signature", t.FlippedSignature())
	st.forge("with an empty signature", t.EmptySignature())
	st.forge("with a tampered payload", t.WithClaims(func(c map[string]any) { c["sub"] = "x-" + st.marker }))
	for _, kid := range []string{"../../../../../../dev/null", "x' UNION SELECT '1';--", "|sleep 10"} {
		tok, err := t.ResignHMAC("HS256", nil, func(h map[string]any) { h["kid"] = kid })
		if err != nil {
			return err
		}
		st.forge(fmt.Sprintf("with kid %q", kid), tok)
	}
	return nil
}

// theHMACSecretShouldNotBeCommon cracks the valid token offline against a
// list of well-known secrets (RFC 8725 §3.5; F07). It sends nothing.
func (st *scenario) theHMACSecretShouldNotBeCommon(ctx context.Context) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	if secret, found := t.CrackHMAC(jwtforge.CommonSecrets); found {
		return &CheckError{
			Method: "offline", Path: "(the access token's signature)",
			Expected: "an HMAC secret that is not on a list of well-known secrets",
			Got:      fmt.Sprintf("the token verifies with a well-known secret of %d characters", len(secret)),
		}
	}
	return nil
}
