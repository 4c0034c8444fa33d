package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/authconform/authconform/steps/jwtforge"
)

// loginResult is a scenario's own login: tokens it may use up, revoke or
// rotate without touching the suite's cached token.
type loginResult struct {
	access, refresh string
	scope           string
	// extraScope is the scope R05 asked for beyond the grant.
	extraScope string
	// previous holds the tokens a refresh replaced.
	prevAccess, prevRefresh string
}

// aFreshLogin logs in for this scenario alone (refresh and revocation
// checks change the state of the tokens they use).
func (st *scenario) aFreshLogin(ctx context.Context) error {
	if err := st.send(ctx, st.passwordGrant(nil)); err != nil {
		return err
	}
	at, rt := st.json("access_token"), st.json("refresh_token")
	if st.last.status != http.StatusOK || at.Type != gjson.String {
		return st.mismatch("an access token for the valid user", st.lastStatus())
	}
	st.own = loginResult{access: at.String(), refresh: rt.String(), scope: st.json("scope").String()}
	st.token = st.own.access
	st.redact.Add(st.own.access, st.own.refresh)
	return nil
}

func (st *scenario) needRefreshToken() error {
	if st.own.refresh == "" {
		return fmt.Errorf("%w: the login response carried no refresh token", ErrUnmetNeed)
	}
	return nil
}

func (st *scenario) refreshWith(ctx context.Context, rt string, edit func(url.Values)) error {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	if edit != nil {
		edit(form)
	}
	return st.send(ctx, st.tokenRequest(form))
}

// refreshTheAccessToken is R01; it keeps the tokens it replaces for R03,
// R04 and R08.
func (st *scenario) refreshTheAccessToken(ctx context.Context) error {
	if err := st.needRefreshToken(); err != nil {
		return err
	}
	if err := st.refreshWith(ctx, st.own.refresh, nil); err != nil {
		return err
	}
	at, rt := st.json("access_token").String(), st.json("refresh_token").String()
	st.redact.Add(at, rt)
	if st.last.status == http.StatusOK && at != "" {
		st.own.prevAccess, st.own.access = st.own.access, at
		if rt != "" {
			st.own.prevRefresh, st.own.refresh = st.own.refresh, rt
		}
		st.token = at
	}
	return nil
}

func (st *scenario) refreshWithInvalidToken(ctx context.Context) error {
	return st.refreshWith(ctx, "garbage-"+st.marker, nil)
}

func (st *scenario) replaySupersededRefreshToken(ctx context.Context) error {
	if st.own.prevRefresh == "" {
		return fmt.Errorf("%w: the target does not rotate refresh tokens, so there is none to replay", ErrUnmetNeed)
	}
	return st.refreshWith(ctx, st.own.prevRefresh, nil)
}

// refreshAsSecondClient is R06: the scenario's refresh token, presented by
// the profile's second client with its own credentials in the body
// (client_secret_post, or client_id alone for a public client).
func (st *scenario) refreshAsSecondClient(ctx context.Context) error {
	if err := st.needRefreshToken(); err != nil {
		return err
	}
	t := st.suite.target
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {st.own.refresh}, "client_id": {t.SecondClientID}}
	if secret := t.SecondClientSecret.Reveal(); secret != "" {
		form.Set("client_secret", secret)
	}
	return st.send(ctx, request{method: http.MethodPost, path: t.TokenPath, form: form.Encode()})
}

func (st *scenario) refreshWithNewestToken(ctx context.Context) error {
	return st.refreshWith(ctx, st.own.refresh, nil)
}

func (st *scenario) refreshAskingBroaderScope(ctx context.Context) error {
	if err := st.needRefreshToken(); err != nil {
		return err
	}
	st.own.extraScope = st.broaderScope()
	scope := strings.TrimSpace(st.own.scope + " " + st.own.extraScope)
	return st.refreshWith(ctx, st.own.refresh, func(f url.Values) { f.Set("scope", scope) })
}

// broaderScope is a scope beyond the valid user's grant: the one the scoped
// user holds when the profile names it and the grant lacks it, or else a
// made-up one. Only a real scope shows that a refresh cannot widen the
// grant (RFC 6749 §6): a made-up one is refused as unknown by a server that
// would hand out any scope it knows.
func (st *scenario) broaderScope() string {
	if u := st.suite.target.ScopedUser; u != nil && u.Scope != "" && !containsWord(st.own.scope, u.Scope) {
		return u.Scope
	}
	return "nonexistent-" + st.marker
}

// theBroaderScopeShouldBeRefused is R05: invalid_scope, or a token that
// does not carry the extra scope (in the response or the JWT's claim).
func (st *scenario) theBroaderScopeShouldBeRefused() error {
	if st.last != nil && st.last.status == http.StatusBadRequest && st.json("error").String() == "invalid_scope" {
		return nil
	}
	if st.last == nil || st.last.status != http.StatusOK {
		return st.mismatch(`400 "invalid_scope", or a token without the extra scope`, st.lastStatus())
	}
	extra := st.own.extraScope
	scope := st.json("scope").String()
	if t, err := jwtforge.Parse(st.json("access_token").String()); err == nil {
		if s, ok := t.Claims["scope"].(string); ok {
			scope += " " + s
		}
	}
	if containsWord(scope, extra) {
		return st.mismatch("no scope beyond the original grant (RFC 6749 §6)", "the extra scope was granted")
	}
	return nil
}

func (st *scenario) callWithRefreshTokenAsBearer(ctx context.Context) error {
	if err := st.needRefreshToken(); err != nil {
		return err
	}
	return st.send(ctx, request{method: st.suite.target.ProtectedMethod, path: st.suite.target.ProtectedPath,
		header: http.Header{"Authorization": {"Bearer " + st.own.refresh}}})
}

func (st *scenario) theNewAccessTokenShouldOpenTheResource(ctx context.Context) error {
	if st.own.prevAccess == "" {
		return st.mismatch("a new access token from the refresh", st.lastStatus())
	}
	if err := st.callWithToken(ctx); err != nil {
		return err
	}
	return st.statusShouldBe(http.StatusOK)
}

func (st *scenario) theNewAccessTokenShouldDiffer() error {
	if st.own.prevAccess == "" {
		return st.mismatch("a new access token from the refresh", st.lastStatus())
	}
	if st.own.prevAccess == st.own.access {
		return st.mismatch("a fresh access token value", "the same value as before")
	}
	return nil
}
