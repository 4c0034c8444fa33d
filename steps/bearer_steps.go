package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tidwall/gjson"
)

// containsWord reports whether a space-separated list (a scope, RFC 6749
// §3.3) holds word.
func containsWord(list, word string) bool {
	for _, w := range strings.Fields(list) {
		if w == word {
			return true
		}
	}
	return false
}

func (st *scenario) requireToken() error {
	if st.token == "" {
		return fmt.Errorf("no access token in this scenario: start it with \"Given a valid access token\"")
	}
	return nil
}

func (st *scenario) callWithTokenInQuery(ctx context.Context) error {
	if err := st.requireToken(); err != nil {
		return err
	}
	return st.send(ctx, request{method: st.suite.target.ProtectedMethod,
		path: st.suite.target.ProtectedPath + "?access_token=" + url.QueryEscape(st.token)})
}

func (st *scenario) callWithTokenInFormBody(ctx context.Context) error {
	if err := st.requireToken(); err != nil {
		return err
	}
	// B10 is about a GET in particular (RFC 6750 §2.2), whatever method
	// the resource answers.
	return st.send(ctx, request{method: http.MethodGet, path: st.suite.target.ProtectedPath,
		form: "access_token=" + url.QueryEscape(st.token)})
}

func (st *scenario) callWithTokenInHeaderAndQuery(ctx context.Context) error {
	if err := st.requireToken(); err != nil {
		return err
	}
	return st.send(ctx, request{method: st.suite.target.ProtectedMethod,
		path:   st.suite.target.ProtectedPath + "?access_token=" + url.QueryEscape(st.token),
		header: http.Header{"Authorization": {"Bearer " + st.token}}})
}

func (st *scenario) callWithTwoAuthorizationHeaders(ctx context.Context) error {
	if err := st.requireToken(); err != nil {
		return err
	}
	return st.send(ctx, request{method: st.suite.target.ProtectedMethod, path: st.suite.target.ProtectedPath,
		header: http.Header{"Authorization": {"Bearer " + st.token, "Bearer invalid-" + st.marker}}})
}

// theTargetShouldNotAcceptTheToken: anything but a success (CHECKS.md B09,
// B10, B12), and never a server error.
func (st *scenario) theTargetShouldNotAcceptTheToken() error {
	switch {
	case st.last == nil:
		return st.mismatch("a refusal", "no response")
	case st.last.status >= 200 && st.last.status < 300:
		return st.mismatch("a refusal (not 2xx)", st.lastStatus()+": the token was accepted")
	case st.last.status >= 500:
		return st.mismatch("a 4xx refusal", st.lastStatus())
	}
	return nil
}

// theBearerChallengeShouldHaveAnAuthParam is B03 (RFC 6750 §3: the scheme
// MUST be followed by one or more auth-params).
func (st *scenario) theBearerChallengeShouldHaveAnAuthParam() error {
	const expected = "a Bearer challenge with at least one auth-param, such as realm"
	c, err := st.bearerChallenge(expected)
	if err != nil {
		return err
	}
	if len(c.Params) == 0 {
		return st.mismatch(expected, "a bare Bearer")
	}
	return nil
}

// provokeEveryRefusal collects the challenges of the refusals a client
// meets: no credentials, an invalid token, another scheme, an empty one.
func (st *scenario) provokeEveryRefusal(ctx context.Context) error {
	for _, auth := range []string{"", "Bearer not-a-jwt-" + st.marker, "Basic dTpw", "Bearer"} {
		r := request{method: st.suite.target.ProtectedMethod, path: st.suite.target.ProtectedPath}
		if auth != "" {
			r.header = http.Header{"Authorization": {auth}}
		}
		if err := st.send(ctx, r); err != nil {
			return err
		}
		st.seen = append(st.seen, st.last)
	}
	return nil
}

// everyChallengeShouldBeWellFormed is B14: each attribute at most once, no
// control characters, error codes from RFC 6750 §3.1.
func (st *scenario) everyChallengeShouldBeWellFormed() error {
	codes := map[string]bool{"invalid_request": true, "invalid_token": true, "insufficient_scope": true}
	for _, ex := range st.seen {
		if ex.status != http.StatusUnauthorized && ex.status != http.StatusForbidden {
			continue
		}
		st.last = ex
		values := ex.header.Values("WWW-Authenticate")
		for _, v := range values {
			if strings.ContainsAny(v, "\r\n\x00") {
				return st.mismatch("a challenge without control characters", fmt.Sprintf("%q", v))
			}
		}
		cs, err := ParseChallenges(values)
		if err != nil {
			return st.mismatch("a parsable WWW-Authenticate challenge", err.Error())
		}
		for _, c := range cs {
			if !strings.EqualFold(c.Scheme, "Bearer") {
				continue
			}
			if len(c.Repeated) > 0 {
				return st.mismatch("each Bearer attribute at most once", "repeated "+strings.Join(c.Repeated, ", "))
			}
			if e, ok := c.Params["error"]; ok && !codes[e] {
				return st.mismatch("an RFC 6750 §3.1 error code", fmt.Sprintf("error=%q", e))
			}
			for name, v := range c.Params {
				for i := 0; i < len(v); i++ {
					if v[i] < 0x20 || v[i] > 0x7e || v[i] == '"' || v[i] == '\\' {
						return st.mismatch("attribute values of %x20-21 / %x23-5B / %x5D-7E", fmt.Sprintf("%s with byte 0x%02x", name, v[i]))
					}
				}
			}
		}
	}
	return nil
}

// aQueryTokenResponseShouldBePrivate is B15: only when the target accepts
// a token in the query does the cache rule of RFC 6750 §2.3 apply.
func (st *scenario) aQueryTokenResponseShouldBePrivate() error {
	if st.last == nil || st.last.status < 200 || st.last.status >= 300 {
		return fmt.Errorf("%w: the target does not accept a token in the query (see B09)", ErrUnmetNeed)
	}
	return st.headerShouldContainDirective("Cache-Control", "private")
}

// theResponseShouldNotBeSharedCacheable is X05: private or no-store.
func (st *scenario) theResponseShouldNotBeSharedCacheable() error {
	if st.headerShouldContainDirective("Cache-Control", "private") == nil ||
		st.headerShouldContainDirective("Cache-Control", "no-store") == nil {
		return nil
	}
	return st.mismatch("Cache-Control with private or no-store", quoteOrAbsent(st.last.header.Get("Cache-Control")))
}

// scopedTokens: the valid user lacks the scope; the scoped user has it.
func (st *scenario) aTokenOfTheScopedUser(ctx context.Context) error {
	u := st.suite.target.ScopedUser
	if err := st.send(ctx, st.passwordGrant(func(f url.Values) {
		f.Set("username", u.Username)
		f.Set("password", u.Password.Reveal())
		if u.Scope != "" {
			f.Set("scope", u.Scope)
		}
	})); err != nil {
		return err
	}
	tok := st.json("access_token")
	if st.last.status != http.StatusOK || tok.Type != gjson.String {
		return st.mismatch("an access token for the scoped user", st.lastStatus())
	}
	st.token = tok.String()
	st.redact.Add(st.token)
	return nil
}

func (st *scenario) callScopedResource(ctx context.Context) error {
	if err := st.requireToken(); err != nil {
		return err
	}
	return st.send(ctx, request{method: http.MethodGet, path: st.suite.target.ScopedPath,
		header: http.Header{"Authorization": {"Bearer " + st.token}}})
}

// theResponseShouldCarryAChallenge looks for a challenge of scheme in
// WWW-Authenticate (RFC 6749 §5.2 requires one naming the scheme the client
// used when it answers 401 to client authentication).
func (st *scenario) theResponseShouldCarryAChallenge(scheme string) error {
	expected := fmt.Sprintf("a WWW-Authenticate %s challenge", scheme)
	if st.last == nil {
		return st.mismatch(expected, "no response")
	}
	values := st.last.header.Values("WWW-Authenticate")
	cs, _ := ParseChallenges(values)
	for _, c := range cs {
		if strings.EqualFold(c.Scheme, scheme) {
			return nil
		}
	}
	return st.mismatch(expected, quoteOrAbsent(strings.Join(values, ", ")))
}
