package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// OAuth error codes of RFC 6749 §5.2, RFC 6750 §3.1 and RFC 7009 §2.2.1.
const (
	codeInvalidRequest       = "invalid_request"
	codeInvalidClient        = "invalid_client"
	codeInvalidGrant         = "invalid_grant"
	codeUnauthorizedClient   = "unauthorized_client"
	codeUnsupportedGrantType = "unsupported_grant_type"
	codeInvalidScope         = "invalid_scope"
	codeInvalidToken         = "invalid_token"
	codeInsufficientScope    = "insufficient_scope"
	codeTemporarily          = "temporarily_unavailable"
	codeNotFound             = "not_found"
	codeServerError          = "server_error"
)

// Challenge schemes of WWW-Authenticate.
const (
	schemeBearer = "Bearer"
	schemeBasic  = "Basic"
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
	header    http.Header
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

// clientError is invalid_client for a client that authenticated with the
// Authorization header: 401 and a challenge for the scheme it used (RFC
// 6749 §5.2).
func clientError(description string, cause error) *oauthError {
	return &oauthError{
		status: http.StatusUnauthorized, code: codeInvalidClient, description: description,
		challenge: schemeBasic, cause: cause,
	}
}

// bearerError is an RFC 6750 §3 challenge. An empty code means the request
// carried no usable credentials, which §3.1 says gets no error attribute.
func bearerError(status int, code, description string, cause error) *oauthError {
	return &oauthError{
		status: status, code: code, description: description,
		challenge: schemeBearer, cause: cause,
	}
}

// resourceError is a JSON error of a resource that is not about
// authentication, such as a bad order.
func resourceError(status int, code, description string) *oauthError {
	return &oauthError{status: status, code: code, description: description}
}

// handleError is the echo HTTPErrorHandler: it maps every error, ours or
// echo's, to an RFC-shaped JSON response and logs the internal cause.
func (s *Server) handleError(err error, c echo.Context) {
	c.Set(ctxKeyErr, err) // for the access log, even when nothing more can be sent
	if c.Response().Committed {
		return
	}
	var oe *oauthError
	if !errors.As(err, &oe) {
		oe = fromEchoError(err)
	}
	s.applyChallengeFaults(oe)

	h := c.Response().Header()
	for k, v := range oe.header {
		h[k] = v
	}
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

// applyChallengeFaults bends a challenge the way the switched-on faults say.
func (s *Server) applyChallengeFaults(oe *oauthError) {
	if oe.challenge != schemeBearer {
		return
	}
	if oe.code == "" && s.faults.on(faultErrorOnNoCreds) {
		oe.code = codeInvalidToken
	}
	if s.faults.on(faultNoChallenge) && oe.status == http.StatusUnauthorized {
		oe.challenge = ""
	}
	if s.faults.on(faultUnsafeDescription) && oe.code != "" {
		oe.description = "the \"token\"\tis \\ bad"
	}
}

// challenge renders the WWW-Authenticate value for oe (RFC 6750 §3,
// RFC 7617 for Basic). Every value is a server constant or sanitized, so no
// quoting beyond the surrounding quotes is needed.
func (s *Server) challenge(oe *oauthError) string {
	if oe.challenge == schemeBearer && oe.code == "" && s.faults.on(faultBareChallenge) {
		return schemeBearer
	}
	var b strings.Builder
	b.WriteString(oe.challenge)
	b.WriteString(` realm="`)
	b.WriteString(s.cfg.Realm)
	b.WriteByte('"')
	if oe.challenge == schemeBearer && oe.code != "" {
		b.WriteString(`, error="`)
		b.WriteString(oe.code)
		b.WriteByte('"')
		if oe.description != "" {
			b.WriteString(`, error_description="`)
			b.WriteString(quotedPairs(oe.description))
			b.WriteByte('"')
		}
		if oe.scope != "" {
			b.WriteString(`, scope="`)
			b.WriteString(oe.scope)
			b.WriteByte('"')
		}
	}
	if oe.challenge == schemeBasic {
		b.WriteString(`, charset="UTF-8"`)
	}
	return b.String()
}

// quotedPairs escapes quotes and backslashes as RFC 9110 §5.6.4
// quoted-pairs, so that even the unsafe-error-description fault's text
// leaves the challenge parsable: the fault is the disallowed characters
// (B14), not a broken header.
func quotedPairs(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// fromEchoError maps echo's own errors (404, 405, 413, a panic recovered
// upstream) to a body without internals.
func fromEchoError(err error) *oauthError {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status := he.Code
		if status >= 500 {
			return &oauthError{status: status, code: codeServerError, cause: err}
		}
		code := codeInvalidRequest
		if status == http.StatusNotFound {
			code = codeNotFound
		}
		return &oauthError{status: status, code: code, description: strings.ToLower(http.StatusText(status)), cause: err}
	}
	return &oauthError{status: http.StatusInternalServerError, code: codeServerError, cause: err}
}

// safeDescription keeps only the characters RFC 6749 §5.2 allows in
// error_description (%x20-21 / %x23-5B / %x5D-7E), for text that may hold
// client input.
func safeDescription(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return -1
		}
		return r
	}, s)
}
