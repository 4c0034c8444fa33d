package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// OAuth error codes of RFC 6749 §5.2 and RFC 6750 §3.1.
const (
	codeInvalidRequest       = "invalid_request"
	codeInvalidClient        = "invalid_client"
	codeInvalidGrant         = "invalid_grant"
	codeUnsupportedGrantType = "unsupported_grant_type"
	codeInvalidScope         = "invalid_scope"
	codeInvalidToken         = "invalid_token"
	codeInsufficientScope    = "insufficient_scope"
)

// oauthError is every client-facing failure of the server. The handler
// that renders it (handleError) is the only place that decides status,
// JSON body and WWW-Authenticate challenge; cause goes to the log only.
type oauthError struct {
	status      int
	code        string // RFC 6749 §5.2 / RFC 6750 §3.1 error code; "" for none
	description string // safe for clients: never echoes their input
	// challenge is the scheme of the WWW-Authenticate header to send, ""
	// for none. Bearer challenges carry realm and, when code is set, error.
	challenge string
	scope     string // RFC 6750 §3 scope attribute of insufficient_scope
	cause     error
}

func (e *oauthError) Error() string {
	msg := e.code
	if e.description != "" {
		msg += ": " + e.description
	}
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

func (e *oauthError) Unwrap() error { return e.cause }

// tokenError is an RFC 6749 §5.2 error response of the token endpoint.
func tokenError(code, description string, cause error) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: code, description: description, cause: cause}
}

// bearerError is an RFC 6750 §3 challenge. An empty code means the request
// carried no usable credentials, which §3.1 says gets no error attribute.
func bearerError(status int, code, description string, cause error) *oauthError {
	return &oauthError{
		status: status, code: code, description: description,
		challenge: "Bearer", cause: cause,
	}
}

// handleError is the echo HTTPErrorHandler: it maps every error, ours or
// echo's, to an RFC-shaped JSON response and logs the internal cause.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var oe *oauthError
	if !errors.As(err, &oe) {
		oe = fromEchoError(err)
	}
	c.Set(ctxKeyErr, err)

	h := c.Response().Header()
	if oe.challenge != "" {
		h.Set(echo.HeaderWWWAuthenticate, s.challenge(oe))
	}
	body := map[string]string{}
	if oe.code != "" {
		body["error"] = oe.code
	}
	if oe.description != "" {
		body["error_description"] = oe.description
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(oe.status)
		return
	}
	_ = c.JSON(oe.status, body)
}

// challenge renders the WWW-Authenticate value for oe (RFC 6750 §3,
// RFC 6749 §5.2 for Basic). Every value is a server constant, never client
// input, so no quoting beyond the surrounding quotes is needed.
func (s *Server) challenge(oe *oauthError) string {
	var b strings.Builder
	b.WriteString(oe.challenge)
	b.WriteString(` realm="`)
	b.WriteString(s.cfg.Realm)
	b.WriteByte('"')
	if oe.challenge == "Bearer" && oe.code != "" {
		b.WriteString(`, error="`)
		b.WriteString(oe.code)
		b.WriteByte('"')
		if oe.description != "" {
			b.WriteString(`, error_description="`)
			b.WriteString(oe.description)
			b.WriteByte('"')
		}
		if oe.scope != "" {
			b.WriteString(`, scope="`)
			b.WriteString(oe.scope)
			b.WriteByte('"')
		}
	}
	return b.String()
}

// fromEchoError maps echo's own errors (404, 405, 413, a panic recovered
// upstream) to a body without internals.
func fromEchoError(err error) *oauthError {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status := he.Code
		if status >= 500 {
			return &oauthError{status: status, code: "server_error", cause: err}
		}
		return &oauthError{status: status, description: strings.ToLower(http.StatusText(status)), cause: err}
	}
	return &oauthError{status: http.StatusInternalServerError, code: "server_error", cause: err}
}
