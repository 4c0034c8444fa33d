package profile

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/authconform/authconform/steps"
)

// Env is where Resolve reads secrets from; tests replace it.
type Env struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
}

// OSEnv reads the process's environment and files.
var OSEnv = Env{Getenv: os.Getenv, ReadFile: os.ReadFile}

// Resolve turns p into a steps.Target, reading every secret from the env
// var or file the profile names. Target.BaseURL is left as the profile
// says, possibly empty: the caller decides what no target means.
func Resolve(p Profile, env Env) (steps.Target, error) {
	t := steps.Target{
		BaseURL:            p.Target,
		TokenPath:          p.TokenPath,
		LoginStyle:         p.Login.Style,
		LoginUsernameField: p.Login.UsernameField,
		LoginPasswordField: p.Login.PasswordField,
		TokenField:         p.TokenField,
		ClientAuth:         p.Client.Auth,
		ClientID:           p.Client.ID,
		ProtectedPath:      p.Protected.Path,
		ProtectedMethod:    strings.ToUpper(p.Protected.Method),
		SubjectField:       p.Protected.SubjectField,
		Username:           p.User.Username,
		Issuer:             p.Issuer,
		Audience:           p.Audience,
		Leeway:             time.Duration(p.Leeway),
		TimingTolerance:    time.Duration(p.TimingTolerance),
		MaxWait:            time.Duration(p.MaxWait),
		Destructive:        p.Destructive,
		Timeout:            time.Duration(p.Timeout),
		Capabilities: steps.Capabilities{
			Refresh: p.Caps.Refresh, Revocation: p.Caps.Revocation,
			Introspection: p.Caps.Introspection, Discovery: p.Caps.Discovery,
			JWKS: p.Caps.JWKS, Scopes: p.Caps.Scopes,
		},
	}
	if t.Username == "" {
		t.Username = steps.DefaultUsername
	}
	var err error
	if t.Password, err = env.secret("user.password", p.User.PasswordEnv, p.User.PasswordFile); err != nil {
		return t, err
	}
	if t.Password.IsZero() && p.User.PasswordEnv == "" && p.User.PasswordFile == "" {
		t.Password = steps.NewSecret(steps.DefaultPassword)
	}
	if t.ClientSecret, err = env.secret("client.secret", p.Client.SecretEnv, p.Client.SecretFile); err != nil {
		return t, err
	}
	if rc := p.ResourceClient; rc != nil {
		if rc.ID == "" {
			return t, fmt.Errorf("resource_client: an id is required")
		}
		t.ResourceClientID = rc.ID
		if t.ResourceClientSecret, err = env.secret("resource_client.secret", rc.SecretEnv, rc.SecretFile); err != nil {
			return t, err
		}
	}
	if sc := p.SecondClient; sc != nil {
		if sc.ID == "" {
			return t, fmt.Errorf("second_client: an id is required")
		}
		t.SecondClientID = sc.ID
		if t.SecondClientSecret, err = env.secret("second_client.secret", sc.SecretEnv, sc.SecretFile); err != nil {
			return t, err
		}
	}
	if t.SecondUser, err = env.credentials("second_user", p.SecondUser, ""); err != nil {
		return t, err
	}
	if p.ScopedUser != nil {
		if t.ScopedUser, err = env.credentials("scoped_user", &p.ScopedUser.User, p.ScopedUser.Scope); err != nil {
			return t, err
		}
		t.ScopedPath = p.ScopedUser.Path
	}
	if t.SigningKey, err = env.signingKey(p.SigningKey); err != nil {
		return t, err
	}
	if t.Headers, err = env.headers(p); err != nil {
		return t, err
	}
	return t, nil
}

func (e Env) credentials(what string, u *User, scope string) (*steps.Credentials, error) {
	if u == nil {
		return nil, nil
	}
	if u.Username == "" {
		return nil, fmt.Errorf("%s: a username is required", what)
	}
	pw, err := e.secret(what+".password", u.PasswordEnv, u.PasswordFile)
	if err != nil {
		return nil, err
	}
	if pw.IsZero() {
		return nil, fmt.Errorf("%s: give password_env or password_file", what)
	}
	return &steps.Credentials{Username: u.Username, Password: pw, Scope: scope}, nil
}

func (e Env) signingKey(k *SigningKey) (*steps.SigningKey, error) {
	if k == nil {
		return nil, nil
	}
	if k.Alg == "" {
		return nil, fmt.Errorf("signing_key: alg is required (set signing_key.alg or AUTHCONFORM_SIGNING_ALG)")
	}
	key, err := e.secret("signing_key.key", k.KeyEnv, k.KeyFile)
	if err != nil {
		return nil, err
	}
	if key.IsZero() {
		return nil, fmt.Errorf("signing_key: give key_env or key_file (or AUTHCONFORM_SIGNING_KEY)")
	}
	return &steps.SigningKey{Alg: k.Alg, Key: key, KeyID: k.KID}, nil
}

func (e Env) headers(p Profile) (map[string]string, error) {
	if len(p.Headers)+len(p.HeadersEnv) == 0 {
		return nil, nil
	}
	h := map[string]string{}
	for k, v := range p.Headers {
		h[k] = v
	}
	for k, envVar := range p.HeadersEnv {
		v := e.Getenv(envVar)
		if v == "" {
			return nil, fmt.Errorf("headers_env.%s: env var %s is not set", k, envVar)
		}
		h[k] = v
	}
	return h, nil
}

// secret reads a secret from envVar or file; both empty gives a zero
// Secret. A named source that is unset or empty is an error: a run with a
// silently missing secret would report nonsense.
func (e Env) secret(what, envVar, file string) (steps.Secret, error) {
	switch {
	case envVar != "":
		v := e.Getenv(envVar)
		if v == "" {
			return steps.Secret{}, fmt.Errorf("%s_env: env var %s is not set", what, envVar)
		}
		return steps.NewSecret(v), nil
	case file != "":
		b, err := e.ReadFile(file)
		if err != nil {
			return steps.Secret{}, fmt.Errorf("%s_file: %w", what, err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return steps.Secret{}, fmt.Errorf("%s_file: %s is empty", what, file)
		}
		return steps.NewSecret(v), nil
	}
	return steps.Secret{}, nil
}
