package server

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"
)

// Grant types of the token endpoint.
const (
	grantPassword = "password"
	grantRefresh  = "refresh_token"
)

// tokenResponse is the RFC 6749 §5.1 success body.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
}

// tokenNoStore forbids caching of every response of the token endpoint,
// success or error, whichever handler or middleware answers (RFC 6749
// §5.1).
func (s *Server) tokenNoStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().URL.Path == PathToken {
			h := c.Response().Header()
			if !s.faults.on(faultNoCacheControl) {
				h.Set(echo.HeaderCacheControl, "no-store")
			}
			if !s.faults.on(faultNoPragma) {
				h.Set("Pragma", "no-cache")
			}
		}
		return next(c)
	}
}

// handleToken is the token endpoint (RFC 6749 §3.2): POST only, a form
// body, the password and refresh_token grants. Every response, success or
// error, forbids caching (§5.1).
func (s *Server) handleToken(c echo.Context) error {
	form, err := s.tokenForm(c.Request())
	if err != nil {
		return err
	}
	client, err := s.authenticateClient(c.Request(), form)
	if err != nil {
		return err
	}
	if client.ResourceServer {
		return tokenError(codeUnauthorizedClient, "a resource server may not request tokens", nil)
	}
	grant, err := s.param(form, "grant_type")
	if err != nil && s.faults.on(faultGrantTypeOptional) && !form.Has("grant_type") {
		grant, err = grantPassword, nil
	}
	if err != nil {
		return err
	}
	switch grant {
	case grantPassword:
		return s.passwordGrant(c, client, form)
	case grantRefresh:
		return s.refreshGrant(c, client, form)
	}
	if s.faults.on(faultWrongGrantErrorCode) {
		return tokenError(codeInvalidRequest, "the grant type is not supported", nil)
	}
	return tokenError(codeUnsupportedGrantType, "the grant type is not supported", nil)
}

// tokenForm reads the parameters of a token request: a POST with an
// application/x-www-form-urlencoded body (RFC 6749 §3.2, §4.3.2). Other
// methods are 405 with Allow.
func (s *Server) tokenForm(r *http.Request) (url.Values, error) {
	switch {
	case r.Method == http.MethodGet && s.faults.on(faultGetTokenEndpoint):
		return r.URL.Query(), nil
	case r.Method != http.MethodPost:
		e := tokenError(codeInvalidRequest, "the token endpoint takes POST only", nil)
		e.status, e.header = http.StatusMethodNotAllowed, http.Header{"Allow": {http.MethodPost}}
		return nil, e
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if mediaType == echo.MIMEApplicationJSON && s.faults.on(faultJSONBodyAccepted) {
		return jsonForm(r)
	}
	if err := s.checkFormType(r); err != nil {
		return nil, err
	}
	return readForm(r)
}

// isFormType reports whether a Content-Type is form encoding.
func isFormType(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == echo.MIMEApplicationForm
}

// readForm parses a form body, keeping repeated parameters so that param
// can reject them.
func readForm(r *http.Request) (url.Values, error) {
	body, err := readBody(r)
	if isTooLarge(err) {
		return nil, err
	}
	if err != nil {
		return nil, tokenError(codeInvalidRequest, "the body could not be read", err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, tokenError(codeInvalidRequest, "the body is not valid form encoding", err)
	}
	return form, nil
}

// jsonForm reads a flat JSON object as parameters (json-body-accepted).
func jsonForm(r *http.Request) (url.Values, error) {
	var obj map[string]any
	if err := json.NewDecoder(r.Body).Decode(&obj); err != nil {
		return nil, tokenError(codeInvalidRequest, "the body is not a JSON object", err)
	}
	form := url.Values{}
	for k, v := range obj {
		form.Set(k, fmt.Sprint(v))
	}
	return form, nil
}

// param returns the one value of a required parameter. A missing, empty or
// repeated parameter is invalid_request (RFC 6749 §3.2, §5.2).
func (s *Server) param(form url.Values, name string) (string, error) {
	switch v := form[name]; {
	case len(v) == 0 || v[0] == "":
		e := tokenError(codeInvalidRequest, "missing parameter "+name, nil)
		if s.faults.on(faultMissingParam422) {
			e.status = http.StatusUnprocessableEntity
		}
		return "", e
	case len(v) > 1 && !s.faults.on(faultRepeatedParamsOK):
		return "", tokenError(codeInvalidRequest, "repeated parameter "+name, nil)
	default:
		return v[0], nil
	}
}

// optionalParam returns an optional parameter, "" when absent; it too may
// appear at most once.
func (s *Server) optionalParam(form url.Values, name string) (string, error) {
	if !form.Has(name) {
		return "", nil
	}
	return s.param(form, name)
}

// grantError is invalid_grant (RFC 6749 §5.2).
func (s *Server) grantError(description string, cause error) *oauthError {
	e := tokenError(codeInvalidGrant, description, cause)
	if s.faults.on(faultInvalidGrant401) {
		e.status = http.StatusUnauthorized
	}
	return e
}

// passwordGrant implements the resource owner password credentials grant
// (RFC 6749 §4.3.2), throttled per username against brute force.
func (s *Server) passwordGrant(c echo.Context, client Client, form url.Values) error {
	username, err := s.param(form, "username")
	if err != nil {
		return err
	}
	password, err := s.param(form, "password")
	if err != nil {
		return err
	}
	requested, err := s.optionalParam(form, "scope")
	if err != nil {
		return err
	}
	if wait := s.throttle.wait(username); wait > 0 {
		e := tokenError(codeTemporarily, "too many failed attempts; retry later", nil)
		e.status = http.StatusTooManyRequests
		e.header = http.Header{"Retry-After": {strconv.Itoa(int(math.Ceil(wait.Seconds())))}}
		return e
	}

	user, known := s.users[username]
	hash := user.PasswordHash
	if !known {
		hash = s.dummyHash
	}
	match, err := s.hashes.match(c.Request().Context(), hash, []byte(password))
	if err != nil {
		return busyError(err)
	}
	if !known || !(match || s.faults.on(faultWrongPasswordOK)) {
		s.throttle.fail(username)
		return s.passwordFailed(known, password)
	}
	s.throttle.succeed(username)

	scope, err := s.grantScope(requested, user.Scopes)
	if err != nil {
		return err
	}
	fam := s.store.newFamily(user.Name, client.ID, scope, s.cfg.RefreshLifetime)
	return s.respondTokens(c, fam, scope)
}

// busyError answers a password grant that found no free hashing slot in
// time: 503 with Retry-After, so that the client backs off instead of
// waiting past the write timeout for an answer that never comes. RFC 6749
// §5.2 defines no code for this; temporarily_unavailable is the one RFC
// 6749 registers for it, at the authorization endpoint (§4.1.2.1), and the
// throttle's 429 uses it too. The no-store headers come from tokenNoStore.
func busyError(cause error) *oauthError {
	e := tokenError(codeTemporarily, "the server is busy; retry later", cause)
	e.status = http.StatusServiceUnavailable
	e.header = http.Header{"Retry-After": {"1"}}
	return e
}

// passwordFailed is the error of a failed password grant: the same for an
// unknown user and a wrong password (CHECKS.md T07).
func (s *Server) passwordFailed(known bool, password string) error {
	if !known && s.faults.on(faultUserEnumeration) {
		return &oauthError{status: http.StatusNotFound, code: codeInvalidRequest, description: "no such user"}
	}
	if s.faults.on(faultSecretsEchoed) {
		return s.grantError("the password "+password+" is wrong", nil)
	}
	if s.faults.on(faultUnsafeDescription) {
		return s.grantError("the \"password\"\tis \\ wrong", nil)
	}
	return s.grantError("the resource owner credentials are invalid", nil)
}

// grantScope resolves the scope parameter (RFC 6749 §3.3): empty means
// every scope the user has; otherwise each scope must be known and the
// user's, or the request is invalid_scope.
func (s *Server) grantScope(requested string, allowed []string) (string, error) {
	if requested == "" {
		return strings.Join(allowed, " "), nil
	}
	var granted []string
	for _, sc := range strings.Fields(requested) {
		switch {
		case slices.Contains(granted, sc):
		case isKnownScope(sc) && slices.Contains(allowed, sc):
			granted = append(granted, sc)
		case s.faults.on(faultUnknownScopeIgnored) && !isKnownScope(sc):
		default:
			return "", tokenError(codeInvalidScope, "a requested scope is unknown or not granted", nil)
		}
	}
	if len(granted) == 0 {
		if s.faults.on(faultUnknownScopeIgnored) {
			return strings.Join(allowed, " "), nil
		}
		return "", tokenError(codeInvalidScope, "no scope requested", nil)
	}
	return strings.Join(granted, " "), nil
}

// refreshGrant implements refreshing an access token (RFC 6749 §6) with
// refresh token rotation and reuse detection (RFC 9700 §4.14.2).
func (s *Server) refreshGrant(c echo.Context, client Client, form url.Values) error {
	token, err := s.param(form, "refresh_token")
	if err != nil {
		return err
	}
	requested, err := s.optionalParam(form, "scope")
	if err != nil {
		return err
	}
	fam, err := s.store.use(token, client.ID, useOptions{
		allowReuse: s.faults.on(faultRefreshReuse),
		keepFamily: s.faults.on(faultNoFamilyRevocation),
		anyClient:  s.faults.on(faultRefreshNotBound),
	})
	if err != nil {
		return s.grantError("the refresh token is invalid", err)
	}
	if _, ok := s.users[fam.user]; !ok {
		return s.grantError("the refresh token is invalid", errUnknownSubject)
	}
	allowed := strings.Fields(fam.scope)
	if s.faults.on(faultRefreshScopeUp) {
		allowed = knownScopes
	}
	// §6: the new scope may narrow the original grant, never widen it.
	scope, err := s.grantScope(requested, allowed)
	if err != nil {
		return err
	}
	if s.faults.on(faultSameAccessToken) && fam.lastAccess != "" {
		return s.writeTokens(c, fam.lastAccess, s.store.issue(fam, "", time.Time{}, fam.lastAccess), scope)
	}
	return s.respondTokens(c, fam, scope)
}

// respondTokens issues an access token and a rotated refresh token of fam.
func (s *Server) respondTokens(c echo.Context, fam *family, scope string) error {
	access, jti, exp, err := s.issue(fam.user, fam.clientID, scope)
	if err != nil {
		return err
	}
	refresh := s.store.issue(fam, jti, exp, access)
	return s.writeTokens(c, access, refresh, scope)
}

func (s *Server) writeTokens(c echo.Context, access, refresh, scope string) error {
	resp := tokenResponse{
		AccessToken:  access,
		TokenType:    "Bearer",
		ExpiresIn:    int64(s.cfg.TokenLifetime.Seconds()),
		RefreshToken: refresh,
		Scope:        scope,
	}
	if s.faults.on(faultNoExpiresIn) {
		resp.ExpiresIn = 0
	}
	if s.faults.on(faultUnknownScopeIgnored) {
		resp.Scope = ""
	}
	return c.JSON(http.StatusOK, resp)
}

// issue signs an RFC 9068 access token for subject and returns it with its
// jti and expiry.
func (s *Server) issue(subject, clientID, scope string) (string, string, time.Time, error) {
	now := s.cfg.Now()
	exp := now.Add(s.cfg.TokenLifetime)
	if s.faults.on(faultLongLifetime) {
		exp = now.Add(24 * time.Hour)
	}
	jti := newTokenID()
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.cfg.Issuer,
			Subject:   subject,
			Audience:  jwt.ClaimStrings{s.cfg.Audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        jti,
		},
		ClientID: clientID,
		Scope:    scope,
	}
	key, kid := s.keys.signing()
	if s.faults.on(faultKidMismatch) {
		kid = "not-in-jwks-" + kid
	}
	t := jwt.NewWithClaims(s.keys.method, claims)
	t.Header["typ"] = "at+jwt"
	t.Header["kid"] = kid
	signed, err := t.SignedString(key)
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("sign access token: %w", err)
	}
	return signed, jti, exp, nil
}

// newTokenID returns a random jti of 128 bits.
func newTokenID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
