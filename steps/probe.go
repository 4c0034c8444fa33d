package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/authconform/authconform/steps/jwtforge"
)

// probe is what Suite.Probe learnt about the target (CHECKS.md design note
// 3). The capabilities it detects go into Target.Capabilities; the rest is
// here.
type probe struct {
	// sample is the access token of the probe's login, parsed; nil when the
	// target's access tokens are not JWTs.
	sample *jwtforge.Token
	// sampleExp is when the probe's token expires, by the runner's clock;
	// zero if neither exp nor expires_in says. E01 waits for it.
	sampleToken string
	sampleExp   time.Time
	// clockOffset is the target's clock minus the runner's, from the Date
	// header of the login response (DESIGN.md note 4).
	clockOffset time.Duration
	// refreshSeen is whether the login response held a refresh token.
	refreshSeen bool
	metadata    []byte // RFC 8414 metadata document; nil if none
	jwks        []jwtforge.JWK
}

// Well-known locations probed when the profile does not say.
const (
	pathASMetadata = "/.well-known/oauth-authorization-server"
	pathJWKS       = "/.well-known/jwks.json"
	pathPRMetadata = "/.well-known/oauth-protected-resource"
)

// Probe fills in the nil fields of Target.Capabilities by asking the target,
// and learns whether its access tokens are JWTs, their algorithm, and the
// target's clock. It logs in once; a failed login is the only error, since
// without a token no check can reach a verdict. It runs once per suite;
// later calls return the first result.
//
// Detection: refresh from a refresh_token in the login response (RFC 6749
// §5.1); discovery from the RFC 8414 metadata; JWKS from its jwks_uri or
// the well-known jwks.json; revocation and introspection from the metadata's
// endpoints (RFC 7009, RFC 7662); scopes when the profile names a scoped
// user and endpoint.
func (s *Suite) Probe(ctx context.Context) error {
	s.probeOnce.Do(func() { s.probeErr = s.runProbe(ctx) })
	return s.probeErr
}

func (s *Suite) runProbe(ctx context.Context) error {
	if err := s.learnSample(ctx); err != nil {
		return err
	}
	caps := &s.target.Capabilities
	setIfUnknown(&caps.Refresh, s.probe.refreshSeen)
	s.probeMetadata(ctx, s.newScenario())
	if caps.Scopes == nil && s.target.ScopedUser != nil && s.target.ScopedPath != "" {
		setIfUnknown(&caps.Scopes, true)
	}
	return nil
}

// learnSample logs in once per suite and learns from it the sample token
// and the target's clock, and nothing about the target's capabilities:
// minting needs the first two, and a scenario that mints must not change
// what the others are skipped for. Probe runs it first.
func (s *Suite) learnSample(ctx context.Context) error {
	s.sampleOnce.Do(func() { s.sampleErr = s.runSample(ctx) })
	return s.sampleErr
}

func (s *Suite) runSample(ctx context.Context) error {
	st := s.newScenario()
	before := time.Now()
	token, lifetime, err := st.login(ctx)
	if err != nil {
		return fmt.Errorf("the valid user cannot log in: %w", err)
	}
	p := &s.probe
	p.clockOffset = dateOffset(st.last.header.Get("Date"), before, time.Now())
	p.sampleToken = token
	if lifetime > 0 {
		p.sampleExp = before.Add(lifetime)
	}
	if t, err := jwtforge.Parse(token); err == nil {
		p.sample = t
		if exp, ok := numericClaim(t.Claims, "exp"); ok {
			p.sampleExp = time.Unix(exp, 0).Add(-p.clockOffset)
		}
	}
	refresh := st.json("refresh_token")
	p.refreshSeen = refresh.Type == gjson.String && refresh.String() != ""
	s.mu.Lock()
	s.token, s.tokenExp = token, p.sampleExp
	s.mu.Unlock()
	return nil
}

// probeMetadata reads the RFC 8414 metadata and the JWKS.
func (s *Suite) probeMetadata(ctx context.Context, st *scenario) {
	p := &s.probe
	caps := &s.target.Capabilities
	if err := st.send(ctx, request{method: http.MethodGet, path: pathASMetadata}); err == nil &&
		st.last.status == http.StatusOK && gjson.ValidBytes(st.last.body) && st.json("issuer").Exists() {
		p.metadata = st.last.body
	}
	meta := func(field string) string { return gjson.GetBytes(p.metadata, field).String() }
	setIfUnknown(&caps.Discovery, p.metadata != nil)
	setIfUnknown(&caps.Revocation, meta("revocation_endpoint") != "")
	setIfUnknown(&caps.Introspection, meta("introspection_endpoint") != "")

	jwksURI := meta("jwks_uri")
	if jwksURI == "" {
		jwksURI = pathJWKS
	}
	if err := st.send(ctx, request{method: http.MethodGet, path: jwksURI}); err == nil && st.last.status == http.StatusOK {
		if keys, err := jwtforge.ParseJWKS(st.last.body); err == nil {
			p.jwks = keys
		}
	}
	setIfUnknown(&caps.JWKS, p.jwks != nil)
}

func setIfUnknown(c **bool, v bool) {
	if *c == nil {
		*c = &v
	}
}

// dateOffset estimates the target's clock minus the runner's from an HTTP
// Date header (RFC 9110 §6.6.1), sent somewhere between before and after.
// The header has one-second resolution, so the estimate is within a second.
func dateOffset(date string, before, after time.Time) time.Duration {
	t, err := http.ParseTime(date)
	if err != nil {
		return 0
	}
	mid := before.Add(after.Sub(before) / 2)
	off := t.Add(500 * time.Millisecond).Sub(mid)
	if off.Abs() < time.Second {
		return 0
	}
	return off.Round(time.Second)
}

// targetNow is the target's clock, as estimated by the probe.
func (s *Suite) targetNow() time.Time { return time.Now().Add(s.probe.clockOffset) }

// numericClaim returns a claim that is a JSON number, truncated to seconds.
func numericClaim(claims map[string]any, name string) (int64, bool) {
	switch v := claims[name].(type) {
	case interface{ Float64() (float64, error) }:
		f, err := v.Float64()
		return int64(f), err == nil
	case float64:
		return int64(v), true
	}
	return 0, false
}

// isRFC9068 reports whether the target's access tokens say they follow the
// JWT access token profile (RFC 9068 §2.1: typ at+jwt).
func (p *probe) isRFC9068() bool {
	if p.sample == nil {
		return false
	}
	typ, _ := p.sample.Header["typ"].(string)
	return strings.EqualFold(typ, "at+jwt") || strings.EqualFold(typ, "application/at+jwt")
}

// publicKey returns the JWKS key that the sample token names, for the
// checks that need the target's public key.
func (p *probe) publicKey() (jwtforge.JWK, error) {
	if p.sample == nil {
		return jwtforge.JWK{}, errors.New("the access token is not a JWT")
	}
	alg := p.sample.Alg()
	if kty := jwtforge.KeyType(alg); kty == "" || kty == "oct" {
		return jwtforge.JWK{}, fmt.Errorf("the access tokens are signed with %s, which has no public key", alg)
	}
	kid, _ := p.sample.Header["kid"].(string)
	k, ok := jwtforge.FindKey(p.jwks, kid, alg)
	if !ok {
		// A kid the JWKS lacks is D05's finding, not a reason to skip
		// it: the JWKS's one key of the right type is the public key.
		k, ok = jwtforge.FindKey(p.jwks, "", alg)
	}
	if !ok {
		return jwtforge.JWK{}, fmt.Errorf("no key in the JWKS for kid %q and alg %s", kid, alg)
	}
	return k, nil
}
