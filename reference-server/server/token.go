package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"
)

// Grant types of the token endpoint.
const grantPassword = "password"

// tokenResponse is the RFC 6749 §5.1 success body.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope,omitempty"`
}

// accessClaims are the claims of an RFC 9068 JWT access token.
type accessClaims struct {
	jwt.RegisteredClaims
	ClientID string `json:"client_id"`
	Scope    string `json:"scope,omitempty"`
}

// handleToken is the token endpoint (RFC 6749 §3.2). Every response, success
// or error, forbids caching (§5.1).
func (s *Server) handleToken(c echo.Context) error {
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("Pragma", "no-cache")

	form, err := readForm(c.Request())
	if err != nil {
		return err
	}
	grant, err := single(form, "grant_type")
	if err != nil {
		return err
	}
	switch grant {
	case grantPassword:
		return s.passwordGrant(c, form)
	default:
		return tokenError(codeUnsupportedGrantType, "the grant type is not supported", nil)
	}
}

// readForm parses an application/x-www-form-urlencoded body (RFC 6749
// §4.3.2). It keeps repeated parameters so that single can reject them.
func readForm(r *http.Request) (url.Values, error) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || mediaType != echo.MIMEApplicationForm {
		return nil, tokenError(codeInvalidRequest, "the body must be application/x-www-form-urlencoded", err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, echo.ErrStatusRequestEntityTooLarge
		}
		return nil, tokenError(codeInvalidRequest, "the body could not be read", err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, tokenError(codeInvalidRequest, "the body is not valid form encoding", err)
	}
	return form, nil
}

// single returns the one value of a required parameter. A missing, empty or
// repeated parameter is invalid_request (RFC 6749 §3.2, §5.2).
func single(form url.Values, name string) (string, error) {
	switch v := form[name]; {
	case len(v) == 0 || v[0] == "":
		return "", tokenError(codeInvalidRequest, "missing parameter "+name, nil)
	case len(v) > 1:
		return "", tokenError(codeInvalidRequest, "repeated parameter "+name, nil)
	default:
		return v[0], nil
	}
}

// passwordGrant implements the resource owner password credentials grant
// (RFC 6749 §4.3.2).
func (s *Server) passwordGrant(c echo.Context, form url.Values) error {
	username, err := single(form, "username")
	if err != nil {
		return err
	}
	password, err := single(form, "password")
	if err != nil {
		return err
	}
	user, known := s.users[username]
	hash := user.PasswordHash
	if !known {
		hash = s.dummyHash
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || !known {
		return tokenError(codeInvalidGrant, "the resource owner credentials are invalid", nil)
	}

	scope := strings.Join(user.Scopes, " ")
	token, err := s.issue(user.Name, scope)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tokenResponse{
		AccessToken: token,
		TokenType:   "Bearer",
		ExpiresIn:   int64(s.cfg.TokenLifetime.Seconds()),
		Scope:       scope,
	})
}

// issue signs an RFC 9068 access token for subject.
func (s *Server) issue(subject, scope string) (string, error) {
	now := s.cfg.Now()
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.cfg.Issuer,
			Subject:   subject,
			Audience:  jwt.ClaimStrings{s.cfg.Audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(s.cfg.TokenLifetime)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        newTokenID(),
		},
		ClientID: DefaultClientID,
		Scope:    scope,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["typ"] = "at+jwt"
	return t.SignedString(s.cfg.Secret)
}

// newTokenID returns a random jti of 128 bits.
func newTokenID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
