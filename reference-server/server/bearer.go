package server

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// ctxKeyClaims is where requireBearer leaves the verified claims.
const ctxKeyClaims = "authconform.claims"

// requireBearer authenticates a request by an RFC 6750 §2.1 bearer token in
// the Authorization header. The query (§2.3) and form body (§2.2) methods
// are not supported: a token there counts as no credentials, and a token
// sent two ways at once is invalid_request (§3.1). Responses to
// authenticated requests are private to the caller (CHECKS.md X05).
func (s *Server) requireBearer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		raw, err := s.credentials(c.Request())
		if err != nil {
			return err
		}
		claims, err := s.verify(raw)
		if err != nil {
			claims, err = s.verifyFailed(raw, err)
			if err != nil {
				return err
			}
		}
		c.Set(ctxKeyClaims, claims)
		if !s.faults.on(faultNoPrivateCaching) {
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		}
		return next(c)
	}
}

// credentials returns the one bearer token of a request.
func (s *Server) credentials(req *http.Request) (string, error) {
	values := req.Header.Values(echo.HeaderAuthorization)
	inQuery := req.URL.RawQuery != "" && req.URL.Query().Has("access_token")
	switch {
	case len(values) > 1 && !s.faults.on(faultDuplicateAuthOK):
		return "", bearerError(http.StatusBadRequest, codeInvalidRequest, "more than one Authorization header", nil)
	case len(values) >= 1 && inQuery && !s.faults.on(faultTwoMethodsOK):
		return "", bearerError(http.StatusBadRequest, codeInvalidRequest, "token sent by more than one method", nil)
	case len(values) == 0 && inQuery && s.faults.on(faultQueryToken):
		return req.URL.Query().Get("access_token"), nil
	case len(values) == 0 && s.faults.on(faultFormBodyToken):
		if token := formBodyToken(req); token != "" {
			return token, nil
		}
	}
	if len(values) == 0 {
		return "", bearerError(http.StatusUnauthorized, "", "", nil)
	}
	return s.bearerToken(values[0])
}

// formBodyToken reads access_token from a form body whatever the method,
// for the body-token-accepted fault.
func formBodyToken(req *http.Request) string {
	mediaType, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if mediaType != echo.MIMEApplicationForm || req.Body == nil {
		return ""
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return ""
	}
	form, _ := url.ParseQuery(string(body))
	return form.Get("access_token")
}

// bearerToken extracts the b64token of an Authorization value (RFC 6750
// §2.1). The scheme is case-insensitive (RFC 9110 §11.1); any other scheme
// is no authentication information (RFC 6750 §3.1).
func (s *Server) bearerToken(value string) (string, error) {
	scheme, rest, _ := strings.Cut(value, " ")
	match := strings.EqualFold(scheme, schemeBearer)
	if s.faults.on(faultSchemeCaseSens) {
		match = scheme == schemeBearer
	}
	if !match {
		return "", bearerError(http.StatusUnauthorized, "", "", nil)
	}
	token := strings.TrimLeft(rest, " ")
	if token == "" || !isB64Token(token) {
		return "", bearerError(http.StatusBadRequest, codeInvalidRequest, "malformed bearer credentials", nil)
	}
	return token, nil
}

// isB64Token reports whether s matches RFC 6750 §2.1's b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		switch ch := body[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9':
		case ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '+' || ch == '/':
		default:
			return false
		}
	}
	return true
}

// verifyFailed turns a verification failure into the 401 invalid_token
// challenge, unless a fault accepts the token after all.
func (s *Server) verifyFailed(raw string, cause error) (*accessClaims, error) {
	garbage := strings.Count(raw, ".") != 2
	switch {
	case garbage && s.faults.on(faultGarbageAccepted):
		return &accessClaims{}, nil
	case garbage && s.faults.on(faultGarbagePanics):
		panic("reference server: unparsable token (insecure fault " + faultGarbagePanics + ")")
	case s.faults.on(faultRefreshAsAccess):
		if fam, ok := s.store.lookupRefresh(raw); ok {
			c := &accessClaims{ClientID: fam.clientID, Scope: fam.scope}
			c.Subject = fam.user
			return c, nil
		}
	}
	description := "the access token is invalid"
	switch {
	case s.faults.on(faultClaimsReflected):
		description = safeDescription("the access token of " + unverifiedSubject(raw) + " is invalid")
	case s.faults.on(faultSecretsEchoed):
		description = "the access token " + raw + " is invalid"
	}
	return nil, bearerError(http.StatusUnauthorized, codeInvalidToken, description, cause)
}

// requireScope refuses tokens without scope with 403 insufficient_scope
// (RFC 6750 §3.1), naming the scope needed.
func (s *Server) requireScope(scope string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !claimsOf(c).hasScope(scope) && !s.faults.on(faultScopeNotEnforced) {
				e := bearerError(http.StatusForbidden, codeInsufficientScope, "the access token lacks a required scope", nil)
				e.scope = scope
				return e
			}
			return next(c)
		}
	}
}

// claimsOf returns the verified claims requireBearer left in c.
func claimsOf(c echo.Context) *accessClaims {
	return c.Get(ctxKeyClaims).(*accessClaims)
}

// Bodies of the protected resources. Their fields are in the order
// encoding/json writes a map's keys, sorted, so the bytes are those of the
// maps they replace; a struct encodes without sorting or reflection on map
// entries.
type (
	secureDataBody struct {
		Data     string `json:"data"`
		Username string `json:"username"`
	}
	meBody struct {
		ClientID string `json:"client_id"`
		Scope    string `json:"scope"`
		Username string `json:"username"`
	}
)

// secureData is the data field of GET /secure-data.
const secureData = "This is secure data"

// handleSecureData is the tutorial-compatible protected resource: it echoes
// the token's subject.
func (s *Server) handleSecureData(c echo.Context) error {
	username := claimsOf(c).Subject
	// c.JSON indents for ?pretty: any query takes the general path.
	if !jsonPlain(username) || c.Request().URL.RawQuery != "" {
		return c.JSON(http.StatusOK, secureDataBody{Data: secureData, Username: username})
	}
	// The bytes c.JSON would write, without reflection or an encoder.
	body := make([]byte, 0, len(secureDataPrefix)+len(username)+3)
	body = append(append(append(body, secureDataPrefix...), username...), "\"}\n"...)
	return c.JSONBlob(http.StatusOK, body)
}

// secureDataPrefix is the constant start of GET /secure-data's body, up to
// the username's opening quote.
const secureDataPrefix = `{"data":"` + secureData + `","username":"`

// jsonPlain reports whether encoding/json writes s between quotes as it
// is: printable ASCII without a quote, backslash or HTML-escaped <, > or &.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' || ch == '<' || ch == '>' || ch == '&' {
			return false
		}
	}
	return true
}

// handleMe describes the authenticated user and the token's grant.
func (s *Server) handleMe(c echo.Context) error {
	claims := claimsOf(c)
	return c.JSON(http.StatusOK, meBody{ClientID: claims.ClientID, Scope: claims.Scope, Username: claims.Subject})
}

// handleAdmin is a resource that needs the admin scope.
func (s *Server) handleAdmin(c echo.Context) error {
	return c.JSON(http.StatusOK, secureDataBody{Data: "This is admin data", Username: claimsOf(c).Subject})
}
