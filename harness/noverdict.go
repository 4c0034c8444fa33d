package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/authconform/authconform/steps"
)

// loginErrorHints say what an OAuth error code (RFC 6749 §5.2) at the
// token endpoint most likely means for the profile.
var loginErrorHints = map[string]string{
	"invalid_grant":          "wrong username or password?",
	"invalid_client":         "wrong client ID or secret, or client.auth?",
	"unauthorized_client":    "the client may not use the password grant?",
	"unsupported_grant_type": "the target does not offer the password grant?",
	"invalid_request":        "a field missing: check login.style and the field names?",
	"invalid_scope":          "a scope the target does not know?",
}

// explainNoVerdict rewrites a preflight error for the user: a request
// that got no answer says why (such as "connection refused") and nothing
// more, and a refused login names the OAuth error code the target sent,
// with what it most likely means.
func explainNoVerdict(err error) string {
	msg := err.Error()
	var ce *steps.CheckError
	if !errors.As(err, &ce) {
		return msg
	}
	if ce.Status == 0 && ce.Exchange != nil && ce.Exchange.NoResponse != "" && !strings.HasPrefix(ce.Exchange.NoResponse, "timeout") {
		return strings.Replace(msg, ce.Error(), steps.RequestLine(ce.Method, ce.Path, 0, ce.Exchange), 1)
	}
	if code := oauthError(ce.Exchange); code != "" {
		msg += fmt.Sprintf("; the target answered error %q", code)
		if hint := loginErrorHints[code]; hint != "" {
			msg += " (" + hint + ")"
		}
	}
	return msg
}

// oauthError returns the "error" field of an exchange's JSON response
// body, "" if it has none.
func oauthError(ex *steps.Exchange) string {
	if ex == nil || ex.Status < 400 || ex.ResponseBody == "" {
		return ""
	}
	var body struct {
		Error string `json:"error"`
	}
	if json.Unmarshal([]byte(ex.ResponseBody), &body) != nil || len(body.Error) > 64 || strings.ContainsAny(body.Error, "\r\n") {
		return ""
	}
	return body.Error
}
