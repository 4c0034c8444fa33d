package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// tokenParams are the parameters of the password grant a feature may leave
// out (RFC 6749 §4.3.2).
var tokenParams = map[string]bool{"grant_type": true, "username": true, "password": true}

func (st *scenario) aValidAccessToken(ctx context.Context) error {
	token, err := st.suite.accessToken(ctx, st)
	if err != nil {
		return fmt.Errorf("getting a valid access token: %w", err)
	}
	st.token = token
	return nil
}

func (st *scenario) requestTokenWithValidCredentials(ctx context.Context) error {
	return st.send(ctx, st.passwordGrant(nil))
}

func (st *scenario) requestTokenWithWrongPassword(ctx context.Context) error {
	wrong := st.madeUpSecret("wrong-")
	return st.send(ctx, st.passwordGrant(func(f url.Values) { f.Set("password", wrong) }))
}

func (st *scenario) requestTokenForUnknownUser(ctx context.Context) error {
	return st.send(ctx, st.passwordGrant(func(f url.Values) {
		f.Set("username", "nonexistent-"+st.marker)
		f.Set("password", st.madeUpSecret("x-"))
	}))
}

func (st *scenario) requestTokenWithout(ctx context.Context, param string) error {
	if !tokenParams[param] {
		return fmt.Errorf("unknown token request parameter %q: use grant_type, username or password", param)
	}
	return st.send(ctx, st.passwordGrant(func(f url.Values) { f.Del(param) }))
}

func (st *scenario) requestTokenWithGrantType(ctx context.Context, grant string) error {
	return st.send(ctx, st.passwordGrant(func(f url.Values) { f.Set("grant_type", grant) }))
}

// sendTokenRequest posts a raw form body, for requests url.Values cannot
// express, such as a repeated parameter. Placeholders are form-encoded.
func (st *scenario) sendTokenRequest(ctx context.Context, body string) error {
	return st.send(ctx, request{
		method: http.MethodPost,
		path:   st.suite.target.TokenPath,
		form:   st.expand(body, url.QueryEscape),
	})
}

func (st *scenario) callWithToken(ctx context.Context) error {
	if st.token == "" {
		return fmt.Errorf("no access token in this scenario: start it with \"Given a valid access token\"")
	}
	return st.callWithAuthorization(ctx, "Bearer {token}")
}

func (st *scenario) callWithoutCredentials(ctx context.Context) error {
	return st.send(ctx, request{method: st.suite.target.ProtectedMethod, path: st.suite.target.ProtectedPath})
}

// callWithAuthorization sends value, placeholders expanded, as the
// Authorization header of a GET to the protected resource.
func (st *scenario) callWithAuthorization(ctx context.Context, value string) error {
	if strings.Contains(value, "{token}") && st.token == "" {
		return fmt.Errorf("the header uses {token} but this scenario has none: add \"Given a valid access token\"")
	}
	return st.send(ctx, request{
		method: st.suite.target.ProtectedMethod,
		path:   st.suite.target.ProtectedPath,
		header: http.Header{"Authorization": {st.expand(value, nil)}},
	})
}
