package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"
)

// ctxKeyClaims is where requireBearer leaves the verified claims.
const ctxKeyClaims = "authconform.claims"

// Verification failures that are not golang-jwt's own.
var (
	errWrongType      = errors.New("token type is not at+jwt")
	errUnknownSubject = errors.New("token subject is not a known user")
)

// newParser builds the one verifier used for every request: the algorithm
// pinned, exp required, iss, aud, nbf and iat checked with the configured
// leeway, on the server's clock (RFC 8725 §3.1, §3.8, §3.9; RFC 9068 §4).
func (s *Server) newParser() *jwt.Parser {
	return jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(s.cfg.Issuer),
		jwt.WithAudience(s.cfg.Audience),
		jwt.WithLeeway(s.cfg.Leeway),
		jwt.WithTimeFunc(s.cfg.Now),
	)
}

// keyFunc accepts only RFC 9068 access tokens (typ at+jwt) and returns the
// signing secret. The algorithm is pinned by the parser, not here.
func (s *Server) keyFunc(t *jwt.Token) (any, error) {
	typ, _ := t.Header["typ"].(string)
	if !strings.EqualFold(typ, "at+jwt") && !strings.EqualFold(typ, "application/at+jwt") {
		return nil, errWrongType
	}
	return s.cfg.Secret, nil
}

// verify parses and validates an access token.
func (s *Server) verify(raw string) (*accessClaims, error) {
	claims := &accessClaims{}
	if _, err := s.parser.ParseWithClaims(raw, claims, s.keyFunc); err != nil {
		return nil, err
	}
	if _, ok := s.users[claims.Subject]; !ok {
		return nil, errUnknownSubject
	}
	return claims, nil
}

// requireBearer authenticates a request by an RFC 6750 §2.1 bearer token in
// the Authorization header. The query (§2.3) and form body (§2.2) methods
// are not supported: a token there counts as no credentials, and a token
// sent two ways at once is invalid_request (§3.1).
func (s *Server) requireBearer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		values := req.Header.Values(echo.HeaderAuthorization)
		inQuery := req.URL.Query().Has("access_token")
		switch {
		case len(values) > 1:
			return bearerError(http.StatusBadRequest, codeInvalidRequest, "more than one Authorization header", nil)
		case len(values) == 1 && inQuery:
			return bearerError(http.StatusBadRequest, codeInvalidRequest, "token sent by more than one method", nil)
		case len(values) == 0:
			return bearerError(http.StatusUnauthorized, "", "", nil)
		}

		raw, err := bearerToken(values[0])
		if err != nil {
			return err
		}
		claims, err := s.verify(raw)
		if err != nil {
			return bearerError(http.StatusUnauthorized, codeInvalidToken, "the access token is invalid", err)
		}
		c.Set(ctxKeyClaims, claims)
		return next(c)
	}
}

// bearerToken extracts the b64token of an Authorization value (RFC 6750
// §2.1). The scheme is case-insensitive (RFC 9110 §11.1); any other scheme
// is no authentication information (RFC 6750 §3.1).
func bearerToken(value string) (string, error) {
	scheme, rest, _ := strings.Cut(value, " ")
	if !strings.EqualFold(scheme, "Bearer") {
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

// handleSecureData is the tutorial-compatible protected resource: it echoes
// the token's subject. Responses to authenticated requests are private to
// the caller (CHECKS.md X05).
func (s *Server) handleSecureData(c echo.Context) error {
	claims := c.Get(ctxKeyClaims).(*accessClaims)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, map[string]string{
		"username": claims.Subject,
		"data":     "This is secure data",
	})
}
