package profile

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a setting's value.
type Kind int

// Kinds of Setting.
const (
	String Kind = iota
	Bool
	DurationKind
)

// Setting is one value that an env var, and unless it is a secret a flag,
// may set over the profile. The env var is AUTHCONFORM_ followed by the
// name in upper snake case; the flag is --name.
type Setting struct {
	Name   string
	Kind   Kind
	Usage  string
	Secret bool // env var only, never a flag
	set    func(p *Profile, v string) error
}

// EnvVar is the setting's environment variable.
func (s Setting) EnvVar() string {
	return "AUTHCONFORM_" + strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_"))
}

// Apply sets the setting's value on p.
func (s Setting) Apply(p *Profile, v string) error {
	if err := s.set(p, v); err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	return nil
}

func str(dst func(*Profile) *string) func(*Profile, string) error {
	return func(p *Profile, v string) error { *dst(p) = v; return nil }
}

func dur(dst func(*Profile) *Duration) func(*Profile, string) error {
	return func(p *Profile, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration such as 30s or 5m", v)
		}
		*dst(p) = Duration(d)
		return nil
	}
}

func secondUser(p *Profile) *User {
	if p.SecondUser == nil {
		p.SecondUser = &User{}
	}
	return p.SecondUser
}

func scoped(p *Profile) *ScopedUser {
	if p.ScopedUser == nil {
		p.ScopedUser = &ScopedUser{}
	}
	return p.ScopedUser
}

func key(p *Profile) *SigningKey {
	if p.SigningKey == nil {
		p.SigningKey = &SigningKey{}
	}
	return p.SigningKey
}

// secretEnv makes the setting's own env var the secret's source.
func secretEnv(envVar string, ref func(*Profile) (env, file *string)) func(*Profile, string) error {
	return func(p *Profile, _ string) error {
		env, file := ref(p)
		*env, *file = envVar, ""
		return nil
	}
}

// Settings lists every setting in the order --help shows them.
var Settings = []Setting{
	{Name: "target", Usage: "base URL of the API under test (default: the embedded reference server)",
		set: str(func(p *Profile) *string { return &p.Target })},
	{Name: "token-path", Usage: "token endpoint path (default /token)",
		set: str(func(p *Profile) *string { return &p.TokenPath })},
	{Name: "login-style", Usage: "how the login is sent: form (RFC 6749) or json",
		set: str(func(p *Profile) *string { return &p.Login.Style })},
	{Name: "token-field", Usage: "JSON field of the login response holding the token (default access_token)",
		set: str(func(p *Profile) *string { return &p.TokenField })},
	{Name: "client-auth", Usage: "client authentication at the token endpoint: none, basic or post",
		set: str(func(p *Profile) *string { return &p.Client.Auth })},
	{Name: "client-id", Usage: "OAuth client ID",
		set: str(func(p *Profile) *string { return &p.Client.ID })},
	{Name: "client-secret", Secret: true, Usage: "OAuth client secret"},
	{Name: "username", Usage: "valid user's name (default testuser)",
		set: str(func(p *Profile) *string { return &p.User.Username })},
	{Name: "password", Secret: true, Usage: "valid user's password (default testpass)"},
	{Name: "second-username", Usage: "a second valid user's name",
		set: str(func(p *Profile) *string { return &secondUser(p).Username })},
	{Name: "second-password", Secret: true, Usage: "the second user's password"},
	{Name: "scoped-username", Usage: "a user holding the scope --scoped-path needs",
		set: str(func(p *Profile) *string { return &scoped(p).Username })},
	{Name: "scoped-password", Secret: true, Usage: "the scoped user's password"},
	{Name: "scoped-scope", Usage: "the scope the scoped user asks for",
		set: str(func(p *Profile) *string { return &scoped(p).Scope })},
	{Name: "scoped-path", Usage: "an endpoint that needs the scope",
		set: str(func(p *Profile) *string { return &scoped(p).Path })},
	{Name: "protected-path", Usage: "protected resource path (default /secure-data)",
		set: str(func(p *Profile) *string { return &p.Protected.Path })},
	{Name: "protected-method", Usage: "method the protected resource answers: GET (default), POST, PUT, PATCH, DELETE or HEAD",
		set: str(func(p *Profile) *string { return &p.Protected.Method })},
	{Name: "subject-field", Usage: "JSON field of the protected response naming the user (default username)",
		set: str(func(p *Profile) *string { return &p.Protected.SubjectField })},
	{Name: "signing-alg", Usage: "JWS algorithm of the target's signing key, e.g. HS256",
		set: str(func(p *Profile) *string { return &key(p).Alg })},
	{Name: "signing-key", Secret: true, Usage: "the target's signing key (HMAC secret or PEM private key)"},
	{Name: "signing-key-file", Usage: "file holding the target's signing key",
		set: func(p *Profile, v string) error { k := key(p); k.KeyFile, k.KeyEnv = v, ""; return nil }},
	{Name: "signing-kid", Usage: "kid header of minted tokens",
		set: str(func(p *Profile) *string { return &key(p).KID })},
	{Name: "issuer", Usage: "iss of minted tokens (default: that of a real token)",
		set: str(func(p *Profile) *string { return &p.Issuer })},
	{Name: "audience", Usage: "aud of minted tokens (default: that of a real token)",
		set: str(func(p *Profile) *string { return &p.Audience })},
	{Name: "leeway", Kind: DurationKind, Usage: "clock skew the target tolerates",
		set: dur(func(p *Profile) *Duration { return &p.Leeway })},
	{Name: "timing-tolerance", Kind: DurationKind, Usage: "how far apart T07 lets an unknown user's and a wrong password's latencies be (default 100ms plus half the slower)",
		set: dur(func(p *Profile) *Duration { return &p.TimingTolerance })},
	{Name: "max-wait", Kind: DurationKind, Usage: "longest a check may wait, e.g. for expiry (0: no waiting checks)",
		set: dur(func(p *Profile) *Duration { return &p.MaxWait })},
	{Name: "destructive", Kind: Bool, Usage: "allow checks that may lock the valid user out",
		set: func(p *Profile, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			p.Destructive = b
			return nil
		}},
	{Name: "timeout", Kind: DurationKind, Usage: "per-request timeout (default 10s)",
		set: dur(func(p *Profile) *Duration { return &p.Timeout })},
}

func init() {
	// Secret settings name their own env var as the source; fill in their
	// setters here, where EnvVar is known.
	refs := map[string]func(*Profile) (*string, *string){
		"client-secret":   func(p *Profile) (*string, *string) { return &p.Client.SecretEnv, &p.Client.SecretFile },
		"password":        func(p *Profile) (*string, *string) { return &p.User.PasswordEnv, &p.User.PasswordFile },
		"second-password": func(p *Profile) (*string, *string) { u := secondUser(p); return &u.PasswordEnv, &u.PasswordFile },
		"scoped-password": func(p *Profile) (*string, *string) { u := scoped(p); return &u.PasswordEnv, &u.PasswordFile },
		"signing-key":     func(p *Profile) (*string, *string) { k := key(p); return &k.KeyEnv, &k.KeyFile },
	}
	for i, s := range Settings {
		if s.Secret {
			Settings[i].set = secretEnv(s.EnvVar(), refs[s.Name])
		}
	}
}

// ApplyEnv overlays every AUTHCONFORM_* setting that is set in the
// environment onto p.
func ApplyEnv(p *Profile, getenv func(string) string) error {
	for _, s := range Settings {
		if v := getenv(s.EnvVar()); v != "" {
			if err := s.set(p, v); err != nil {
				return fmt.Errorf("%s: %w", s.EnvVar(), err)
			}
		}
	}
	return nil
}
