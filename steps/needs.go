package steps

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cucumber/godog"
)

// The @needs-* tags a scenario may carry, and what meets each:
//
//	@needs-key              the profile gives the signing key
//	@needs-wait             the profile allows waiting (MaxWait > 0)
//	@needs-oauth            the login is an RFC 6749 token endpoint
//	@needs-refresh          a refresh_token grant (declared or detected)
//	@needs-revocation       an RFC 7009 endpoint (declared or in the metadata)
//	@needs-introspection    an RFC 7662 endpoint (declared or in the metadata)
//	@needs-discovery        RFC 8414 metadata (declared or detected)
//	@needs-jwks             a JWKS (declared, or jwks_uri / well-known)
//	@needs-scope            a scoped user and scoped endpoint in the profile
//	@needs-second-user      a second user in the profile
//	@needs-second-client    a second OAuth client in the profile
//	@needs-jwt              the target's access tokens are JWTs (probed)
//	@needs-hmac             they are HMAC-signed (probed)
//	@needs-pub              their public key is in the JWKS (probed)
//	@needs-rfc9068          they claim RFC 9068 with typ at+jwt (probed)
//	@needs-https            the base URL is https
//	@needs-client           a client ID and secret in the profile
//	@needs-resource-client  a resource server's client for introspection
//	@destructive            the profile allows destructive checks
//
// A step may also skip at run time with ErrUnmetNeed when what it needs
// shows only then (B15: the target does not accept query tokens).

// ErrUnmetNeed wraps godog.ErrSkip for a scenario whose @needs-* tags the
// target does not meet; the text after it is the reason.
var ErrUnmetNeed = fmt.Errorf("%w: unmet need", godog.ErrSkip)

// skipUnmetNeeds is a Before hook: it skips a scenario whose @needs-* tags
// the target does not meet and says why (DESIGN.md, Tags: nothing is
// skipped silently).
func (s *Suite) skipUnmetNeeds(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	tags := make([]string, len(sc.Tags))
	for i, t := range sc.Tags {
		tags[i] = t.Name
	}
	if reason := s.SkipReason(tags); reason != "" {
		return ctx, fmt.Errorf("%w: %s", ErrUnmetNeed, reason)
	}
	return ctx, nil
}

// SkipReason returns why a scenario with these tags is skipped for the
// suite's target, or "" if it runs. godog reports a scenario skipped by a
// Before hook to After hooks without an error, so a runner that collects
// verdicts asks here.
func (s *Suite) SkipReason(tags []string) string {
	for _, tag := range tags {
		need, ok := strings.CutPrefix(tag, "@needs-")
		if !ok {
			continue
		}
		if reason := s.unmet(need); reason != "" {
			return "@needs-" + need + ": " + reason
		}
	}
	if !s.target.Destructive && slices.Contains(tags, "@destructive") {
		return "@destructive: destructive checks are off for this target"
	}
	return ""
}

// unmet returns why the target lacks need, or "" when it has it.
func (s *Suite) unmet(need string) string {
	t := s.target
	capability := func(c, declared *bool, what string) string {
		switch {
		case c == nil:
			return what + " was neither declared in the profile nor detected"
		case *c:
			return ""
		case declared != nil:
			return "the profile says the target has no " + what
		}
		return "the target has no " + what + " (none detected before the run, and the profile does not say)"
	}
	switch need {
	case "key":
		if t.SigningKey == nil {
			return "no signing key in the profile"
		}
	case "wait":
		if t.MaxWait <= 0 {
			return "waiting checks are off (the profile's maximum wait is 0)"
		}
	case "oauth":
		if t.LoginStyle != LoginForm {
			return "the target's login is not an RFC 6749 token endpoint (login style " + t.LoginStyle + ")"
		}
	case "refresh":
		return capability(t.Capabilities.Refresh, s.declared.Refresh, "refresh_token grant")
	case "revocation":
		return capability(t.Capabilities.Revocation, s.declared.Revocation, "revocation endpoint")
	case "introspection":
		return capability(t.Capabilities.Introspection, s.declared.Introspection, "introspection endpoint")
	case "discovery":
		return capability(t.Capabilities.Discovery, s.declared.Discovery, "authorization server metadata")
	case "jwks":
		return capability(t.Capabilities.JWKS, s.declared.JWKS, "JWKS")
	case "scope":
		if t.ScopedUser == nil || t.ScopedPath == "" {
			return "no scoped user and scoped endpoint in the profile"
		}
		return capability(t.Capabilities.Scopes, s.declared.Scopes, "scope-restricted endpoint")
	case "second-user":
		if t.SecondUser == nil {
			return "no second user in the profile"
		}
	case "second-client":
		if t.SecondClientID == "" || t.SecondClientID == t.ClientID {
			return "no second OAuth client in the profile"
		}
	case "jwt":
		// The token-forging checks (CHECKS.md §2.3) and the keyed ones
		// need a JWT to start from.
		if s.probe.sample == nil {
			return "the target's access tokens are not JWTs"
		}
	case "hmac":
		// Checks of the HMAC secret itself (F07).
		if s.probe.sample == nil || !strings.HasPrefix(s.probe.sample.Alg(), "HS") {
			return "the target's access tokens are not HMAC-signed"
		}
	case "pub":
		// Checks that use the target's public key (F08, D05): an
		// asymmetric alg and its key in the JWKS.
		if _, err := s.probe.publicKey(); err != nil {
			return "the target's public key is not available: " + err.Error()
		}
	case "rfc9068":
		// Checks that hold a target to the JWT access token profile.
		if !s.probe.isRFC9068() {
			return "the target's access tokens do not claim RFC 9068 (typ at+jwt)"
		}
	case "https":
		// Checks of https URLs make no sense for a plain-HTTP target,
		// which X01 judges.
		if !strings.HasPrefix(t.BaseURL, "https://") {
			return "the target is not served over https"
		}
	case "client":
		// Client authentication checks (T14, T15) need a confidential
		// client.
		if t.ClientID == "" || t.ClientSecret.IsZero() {
			return "no client ID and secret in the profile"
		}
	case "resource-client":
		// Introspection (D09) needs a resource server's credentials.
		if t.ResourceClientID == "" {
			return "no resource-server client in the profile"
		}
	default:
		return "unknown need; this harness version does not know how to meet it"
	}
	return ""
}
