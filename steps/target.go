// Package steps holds the godog step definitions of authconform. They drive
// any target over HTTP and know nothing of the reference server: everything
// about the target comes from a Target.
package steps

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of a Target, matching the FastAPI tutorial and the reference
// server.
const (
	DefaultTokenPath     = "/token"
	DefaultProtectedPath = "/secure-data"
	DefaultUsername      = "testuser"
	DefaultPassword      = "testpass"
	DefaultSubjectField  = "username"
	DefaultTimeout       = 10 * time.Second
)

// Login styles of Target.LoginStyle.
const (
	// LoginForm is an RFC 6749 §4.3.2 password grant, form-encoded.
	LoginForm = "form"
	// LoginJSON posts a JSON object with the user's name and password,
	// for APIs whose login is not an OAuth token endpoint. The token
	// endpoint checks are skipped for such targets.
	LoginJSON = "json"
)

// Client authentication methods of Target.ClientAuth (RFC 6749 §2.3.1).
const (
	ClientAuthNone  = "none"
	ClientAuthBasic = "basic" // client_secret_basic
	ClientAuthPost  = "post"  // client_secret_post
)

// Target describes the API under test. Only BaseURL and Username are
// required; every other field has a documented default or is optional.
type Target struct {
	// BaseURL is the scheme, host and optional path prefix of the target,
	// such as https://staging.example.com/api.
	BaseURL string
	// TokenPath is the token endpoint, relative to BaseURL. Default
	// DefaultTokenPath.
	TokenPath string
	// LoginStyle is how the login is sent: LoginForm (default) or
	// LoginJSON.
	LoginStyle string
	// LoginUsernameField and LoginPasswordField name the JSON fields of a
	// LoginJSON body. Default "username" and "password".
	LoginUsernameField string
	LoginPasswordField string
	// TokenField is the gjson path of the access token in the login
	// response. Default "access_token".
	TokenField string
	// ClientAuth is how the client authenticates at the token endpoint:
	// ClientAuthNone (default), ClientAuthBasic or ClientAuthPost.
	ClientAuth   string
	ClientID     string
	ClientSecret Secret
	// ProtectedPath is a resource that any valid token may call with
	// ProtectedMethod. Default DefaultProtectedPath.
	ProtectedPath string
	// ProtectedMethod is the method the protected resource answers: GET
	// (default), POST, PUT, PATCH, DELETE or HEAD. It is sent without a
	// body.
	ProtectedMethod string
	// SubjectField is the JSON field of the protected resource's response
	// that names the authenticated user. Default DefaultSubjectField.
	SubjectField string
	// Username and Password are a valid resource owner's credentials.
	Username string
	Password Secret
	// SecondUser is another valid user, for checks that compare two.
	// Optional.
	SecondUser *Credentials
	// ScopedUser holds a scope that Username lacks, and ScopedPath is an
	// endpoint that needs that scope (RFC 6750 §3.1 insufficient_scope).
	// Optional; checks tagged @needs-scope need both.
	ScopedUser *Credentials
	ScopedPath string
	// Capabilities says which optional features the target has. A nil
	// field is probed for before the run.
	Capabilities Capabilities
	// SigningKey is the key the target signs access tokens with, for the
	// checks tagged @needs-key. Optional.
	SigningKey *SigningKey
	// Issuer and Audience are the iss and aud a minted token carries.
	// Default: those of a real token from the target.
	Issuer   string
	Audience string
	// Leeway is the clock skew the target declares it tolerates. Default 0.
	Leeway time.Duration
	// MaxWait is the longest a check may wait (for a token to expire, say);
	// a check that would wait longer is skipped with the reason. Default 0:
	// no waiting checks.
	MaxWait time.Duration
	// Progress receives a line now and then while a check waits, such as
	// E01 waiting for a token to expire; steps write nothing else. Default:
	// nowhere.
	Progress io.Writer
	// ResourceClientID and ResourceClientSecret are a resource server's
	// client credentials for the introspection endpoint (RFC 7662 §2.1).
	// Optional; checks tagged @needs-resource-client need them.
	ResourceClientID     string
	ResourceClientSecret Secret
	// SecondClientID and SecondClientSecret are another OAuth client of
	// the token endpoint, for the check that a refresh token is bound to
	// the client it was issued to (RFC 6749 §6, §10.4). An empty secret
	// means a public client, which sends its client_id alone. Optional;
	// checks tagged @needs-second-client need it.
	SecondClientID     string
	SecondClientSecret Secret
	// TimingTolerance is how far apart T07 lets the fastest latencies of an
	// unknown user's and a wrong password's refusals be. Default: 100 ms
	// plus half the slower one (see latencyTolerance). A noisy network or a
	// loaded runner may need more.
	TimingTolerance time.Duration
	// Destructive allows checks tagged @destructive, which may lock the
	// valid user out for a while.
	Destructive bool
	// Headers are sent on every request, an API gateway key for example.
	Headers map[string]string
	// Timeout bounds each request. Default DefaultTimeout.
	Timeout time.Duration
	// HTTPClient carries TLS and proxy settings. Default: a client of its
	// own with http.DefaultTransport's settings.
	HTTPClient *http.Client
}

// Credentials are a user's name, password and, optionally, the scope to ask
// for.
type Credentials struct {
	Username string
	Password Secret
	Scope    string
}

// Capabilities are the optional features of a target. nil means unknown:
// probe for it.
type Capabilities struct {
	Refresh       *bool // refresh_token grant (RFC 6749 §6)
	Revocation    *bool // RFC 7009 endpoint
	Introspection *bool // RFC 7662 endpoint
	Discovery     *bool // RFC 8414 metadata
	JWKS          *bool // a JWKS of the signing keys
	Scopes        *bool // scope-restricted endpoints
}

// SigningKey is the target's token signing key.
type SigningKey struct {
	// Alg is the JWS algorithm, such as HS256 or RS256.
	Alg string
	// Key is the HMAC secret, or the PEM-encoded private key.
	Key Secret
	// KeyID is the kid header to put in minted tokens, if the target
	// needs one.
	KeyID string
}

// protectedMethods are the methods Target.ProtectedMethod may name.
var protectedMethods = map[string]bool{
	http.MethodGet: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodHead: true,
}

// withDefaults fills in defaults and validates t.
func (t Target) withDefaults() (Target, error) {
	if t.TokenPath == "" {
		t.TokenPath = DefaultTokenPath
	}
	if t.ProtectedPath == "" {
		t.ProtectedPath = DefaultProtectedPath
	}
	if t.ProtectedMethod == "" {
		t.ProtectedMethod = http.MethodGet
	}
	if t.SubjectField == "" {
		t.SubjectField = DefaultSubjectField
	}
	if t.Timeout == 0 {
		t.Timeout = DefaultTimeout
	}
	if t.LoginStyle == "" {
		t.LoginStyle = LoginForm
	}
	if t.LoginUsernameField == "" {
		t.LoginUsernameField = "username"
	}
	if t.LoginPasswordField == "" {
		t.LoginPasswordField = "password"
	}
	if t.TokenField == "" {
		t.TokenField = "access_token"
	}
	if t.Progress == nil {
		t.Progress = io.Discard
	}
	if t.ClientAuth == "" {
		t.ClientAuth = ClientAuthNone
	}
	if !protectedMethods[t.ProtectedMethod] {
		return t, fmt.Errorf("target: protected method %q: use GET, POST, PUT, PATCH, DELETE or HEAD", t.ProtectedMethod)
	}
	switch t.LoginStyle {
	case LoginForm, LoginJSON:
	default:
		return t, fmt.Errorf("target: login style %q: use %s or %s", t.LoginStyle, LoginForm, LoginJSON)
	}
	switch t.ClientAuth {
	case ClientAuthNone:
	case ClientAuthBasic, ClientAuthPost:
		if t.ClientID == "" {
			return t, fmt.Errorf("target: client auth %q needs a client ID", t.ClientAuth)
		}
	default:
		return t, fmt.Errorf("target: client auth %q: use none, basic or post", t.ClientAuth)
	}
	if t.Username == "" {
		return t, errors.New("target: a username is required")
	}
	if err := ValidateBaseURL(t.BaseURL); err != nil {
		return t, err
	}
	t.BaseURL = strings.TrimRight(t.BaseURL, "/")
	for _, p := range []string{t.TokenPath, t.ProtectedPath} {
		if !strings.HasPrefix(p, "/") {
			return t, fmt.Errorf("target: path %q must start with /", p)
		}
	}
	return t, nil
}

// ValidateBaseURL reports whether u is an absolute http or https URL
// without query, fragment or credentials.
func ValidateBaseURL(u string) error {
	parsed, err := url.Parse(u)
	switch {
	case u == "":
		return errors.New("target: no base URL")
	case err != nil:
		return fmt.Errorf("target: base URL %q: %w", u, err)
	case parsed.Scheme != "http" && parsed.Scheme != "https":
		return fmt.Errorf("target: base URL %q: scheme must be http or https", u)
	case parsed.Host == "":
		return fmt.Errorf("target: base URL %q: no host", u)
	case parsed.User != nil:
		return fmt.Errorf("target: base URL must not carry credentials")
	case parsed.RawQuery != "" || parsed.Fragment != "":
		return fmt.Errorf("target: base URL %q: no query or fragment allowed", u)
	}
	return nil
}
