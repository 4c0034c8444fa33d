// Package profile loads a target profile: a YAML file describing one API
// under test, overlaid by AUTHCONFORM_* env vars and then by flags. Secrets
// never appear in a profile or a flag: the profile names the env var or
// file that holds each one.
package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/authconform/authconform/harness/internal/yamlmsg"
)

// Profile is the YAML form of a target. Every field is optional; steps
// fills in the documented defaults. Secrets are references (…_env,
// …_file), resolved by Resolve.
type Profile struct {
	Target     string `yaml:"target"`
	TokenPath  string `yaml:"token_path"`
	Login      Login  `yaml:"login"`
	TokenField string `yaml:"token_field"`
	Client     Client `yaml:"client"`
	// ResourceClient holds a resource server's credentials, for the
	// introspection endpoint (RFC 7662 §2.1).
	ResourceClient *Client `yaml:"resource_client"`
	// SecondClient is another client of the same token endpoint, for the
	// check that a refresh token is bound to its client (R06).
	SecondClient *Client           `yaml:"second_client"`
	User         User              `yaml:"user"`
	SecondUser   *User             `yaml:"second_user"`
	ScopedUser   *ScopedUser       `yaml:"scoped_user"`
	Protected    Protected         `yaml:"protected"`
	Headers      map[string]string `yaml:"headers"`
	HeadersEnv   map[string]string `yaml:"headers_env"`
	Caps         Capabilities      `yaml:"capabilities"`
	SigningKey   *SigningKey       `yaml:"signing_key"`
	Issuer       string            `yaml:"issuer"`
	Audience     string            `yaml:"audience"`
	Leeway       Duration          `yaml:"leeway"`
	// TimingTolerance is T07's latency allowance; 0 means the default.
	TimingTolerance Duration `yaml:"timing_tolerance"`
	MaxWait         Duration `yaml:"max_wait"`
	Destructive     bool     `yaml:"destructive"`
	Timeout         Duration `yaml:"timeout"`
}

// Login says how the valid user logs in.
type Login struct {
	Style         string `yaml:"style"` // form (default) or json
	UsernameField string `yaml:"username_field"`
	PasswordField string `yaml:"password_field"`
}

// Client is the OAuth client and how it authenticates (RFC 6749 §2.3.1).
type Client struct {
	Auth       string `yaml:"auth"` // none (default), basic or post
	ID         string `yaml:"id"`
	SecretEnv  string `yaml:"secret_env"`
	SecretFile string `yaml:"secret_file"`
}

// User is a resource owner; the password comes from an env var or a file.
type User struct {
	Username     string `yaml:"username"`
	PasswordEnv  string `yaml:"password_env"`
	PasswordFile string `yaml:"password_file"`
}

// ScopedUser is a user holding a scope the valid user lacks, and the
// endpoint that needs it.
type ScopedUser struct {
	User  `yaml:",inline"`
	Scope string `yaml:"scope"`
	Path  string `yaml:"path"`
}

// Protected is the protected resource every valid token may call.
type Protected struct {
	// Method is GET (default), POST, PUT, PATCH, DELETE or HEAD.
	Method       string `yaml:"method"`
	Path         string `yaml:"path"`
	SubjectField string `yaml:"subject_field"`
}

// Capabilities declares the target's optional features; an absent one is
// probed for.
type Capabilities struct {
	Refresh       *bool `yaml:"refresh"`
	Revocation    *bool `yaml:"revocation"`
	Introspection *bool `yaml:"introspection"`
	Discovery     *bool `yaml:"discovery"`
	JWKS          *bool `yaml:"jwks"`
	Scopes        *bool `yaml:"scopes"`
}

// SigningKey names the target's token signing key.
type SigningKey struct {
	Alg     string `yaml:"alg"`
	KeyEnv  string `yaml:"key_env"`
	KeyFile string `yaml:"key_file"`
	KID     string `yaml:"kid"`
}

// Duration is a time.Duration written as "30s" or "5m" in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration such as 30s or 5m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// forbidden are keys that would put a secret in the profile itself, with
// what to write instead.
var forbidden = map[string]string{
	"password":      "password_env or password_file",
	"client_secret": "client.secret_env or client.secret_file",
	"secret":        "secret_env or secret_file",
	"key":           "key_env or key_file",
}

// Load reads the profile at path. Errors name the file and line: a YAML
// syntax error, an unknown key, a secret written in clear, a bad value.
func Load(path string) (Profile, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, fmt.Errorf("read profile: %w", err)
	}
	p, err := Parse(src)
	if err != nil {
		return Profile{}, fmt.Errorf("profile %s", yamlmsg.At(path, err))
	}
	return p, nil
}

// Parse decodes a profile from YAML source.
func Parse(src []byte) (Profile, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return Profile{}, yamlmsg.Clean(err, profileKeys)
	}
	if err := rejectSecrets(&root); err != nil {
		return Profile{}, err
	}
	if err := rejectSecretHeaders(&root); err != nil {
		return Profile{}, err
	}
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil && !errors.Is(err, io.EOF) {
		return Profile{}, yamlmsg.Clean(err, profileKeys)
	}
	if err := p.validate(); err != nil {
		return Profile{}, err
	}
	return p, p.validateValues(&root)
}

// profileKeys are every key a profile may hold, at any depth.
var profileKeys = yamlKeys(reflect.TypeFor[Profile](), nil)

func yamlKeys(t reflect.Type, out []string) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return out
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" && !slices.Contains(out, name) {
			out = append(out, name)
		}
		out = yamlKeys(f.Type, out)
	}
	return out
}

// validateValues checks the values steps.Target would refuse later,
// without the file and line, while they still have one.
func (p Profile) validateValues(root *yaml.Node) error {
	for _, c := range []struct {
		path  []string
		value string
	}{{[]string{"client", "auth"}, p.Client.Auth}, {[]string{"resource_client", "auth"}, authOf(p.ResourceClient)}} {
		switch c.value {
		case "", "none", "basic", "post":
		default:
			return fmt.Errorf("line %d: %s %q: use none, basic or post", lineOf(root, c.path...), strings.Join(c.path, "."), c.value)
		}
	}
	return nil
}

func authOf(c *Client) string {
	if c == nil {
		return ""
	}
	return c.Auth
}

// lineOf returns the line of the value at path in a YAML document, 0 if
// it has none.
func lineOf(n *yaml.Node, path ...string) int {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return 0
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return 0
		}
		n = next
	}
	return n.Line
}

// rejectSecrets fails on a key that would hold a secret in clear.
func rejectSecrets(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if instead, bad := forbidden[k.Value]; bad {
				return fmt.Errorf("line %d: %q would put a secret in the profile: use %s", k.Line, k.Value, instead)
			}
		}
	}
	for _, c := range n.Content {
		if err := rejectSecrets(c); err != nil {
			return err
		}
	}
	return nil
}

// credentialHeaders are header names that carry a credential; a header
// whose name contains one of credentialWords is taken for one too.
var (
	credentialHeaders = map[string]bool{"authorization": true, "proxy-authorization": true, "cookie": true}
	credentialWords   = []string{"key", "token", "secret", "password", "session", "auth"}
)

// isCredentialHeader reports whether a header of that name would carry a
// credential.
func isCredentialHeader(name string) bool {
	n := strings.ToLower(name)
	if credentialHeaders[n] {
		return true
	}
	for _, w := range credentialWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// rejectSecretHeaders fails on a headers: entry whose name says it holds a
// credential: its value would be a secret written in the profile.
func rejectSecretHeaders(root *yaml.Node) error {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "headers" || n.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		h := n.Content[i+1]
		for j := 0; j+1 < len(h.Content); j += 2 {
			if k := h.Content[j]; isCredentialHeader(k.Value) {
				return fmt.Errorf("line %d: header %q would put a credential in the profile: move it to headers_env:, naming the env var that holds it (%s: MY_ENV_VAR)", k.Line, k.Value, k.Value)
			}
		}
	}
	return nil
}

// protectedMethods are the methods protected.method may name.
var protectedMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true}

func (p Profile) validate() error {
	if m := p.Protected.Method; m != "" && !protectedMethods[strings.ToUpper(m)] {
		return fmt.Errorf("protected.method %q: use GET, POST, PUT, PATCH, DELETE or HEAD", m)
	}
	for _, u := range []*User{&p.User, p.SecondUser, scopedUser(p.ScopedUser)} {
		if u != nil && u.PasswordEnv != "" && u.PasswordFile != "" {
			return fmt.Errorf("user %q: give password_env or password_file, not both", u.Username)
		}
	}
	if p.SigningKey != nil && p.SigningKey.Alg == "" {
		return errors.New("signing_key: alg is required (HS256, RS256, ES256, …)")
	}
	return nil
}

func scopedUser(s *ScopedUser) *User {
	if s == nil {
		return nil
	}
	return &s.User
}
