// Package steps holds the godog step definitions of authconform. They drive
// any target over HTTP and know nothing of the reference server: everything
// about the target comes from a Target.
package steps

import (
	"errors"
	"fmt"
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

// Target describes the API under test.
type Target struct {
	// BaseURL is the scheme, host and optional path prefix of the target,
	// such as https://staging.example.com/api.
	BaseURL string
	// TokenPath is the token endpoint, relative to BaseURL. Default
	// DefaultTokenPath.
	TokenPath string
	// ProtectedPath is a resource that any valid token may GET. Default
	// DefaultProtectedPath.
	ProtectedPath string
	// SubjectField is the JSON field of the protected resource's response
	// that names the authenticated user. Default DefaultSubjectField.
	SubjectField string
	// Username and Password are a valid resource owner's credentials.
	Username string
	Password Secret
	// Headers are sent on every request, an API gateway key for example.
	Headers map[string]string
	// Timeout bounds each request. Default DefaultTimeout.
	Timeout time.Duration
	// HTTPClient carries TLS and proxy settings. Default: a client of its
	// own with http.DefaultTransport's settings.
	HTTPClient *http.Client
}

// withDefaults fills in defaults and validates t.
func (t Target) withDefaults() (Target, error) {
	if t.TokenPath == "" {
		t.TokenPath = DefaultTokenPath
	}
	if t.ProtectedPath == "" {
		t.ProtectedPath = DefaultProtectedPath
	}
	if t.SubjectField == "" {
		t.SubjectField = DefaultSubjectField
	}
	if t.Timeout == 0 {
		t.Timeout = DefaultTimeout
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
