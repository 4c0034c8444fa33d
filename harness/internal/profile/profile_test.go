package profile_test

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/harness/internal/profile"
)

func fakeEnv(vars map[string]string, files map[string]string) profile.Env {
	return profile.Env{
		Getenv: func(k string) string { return vars[k] },
		ReadFile: func(name string) ([]byte, error) {
			if v, ok := files[name]; ok {
				return []byte(v), nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		},
	}
}

func TestParse_errorsNameTheLine(t *testing.T) {
	tests := []struct {
		name      string
		givenYAML string
		wantInErr []string
	}{
		{name: "syntax error", givenYAML: "target: x\nuser:\n  username: [a\n", wantInErr: []string{"line"}},
		{name: "unknown key", givenYAML: "target: x\ntoken_pth: /t\n", wantInErr: []string{"line 2", "token_pth"}},
		{name: "nested unknown key", givenYAML: "user:\n  username: u\n  pasword_env: P\n", wantInErr: []string{"line 3", "pasword_env"}},
		{name: "password in clear", givenYAML: "user:\n  username: u\n  password: hunter2\n", wantInErr: []string{"line 3", "password_env"}},
		{name: "client secret in clear", givenYAML: "client:\n  secret: s\n", wantInErr: []string{"line 2", "secret_env"}},
		{name: "bad duration", givenYAML: "leeway: soon\n", wantInErr: []string{"line 1", "duration"}},
		{name: "wrong type", givenYAML: "destructive: maybe\n", wantInErr: []string{"line 1"}},
		{name: "authorization header in clear", givenYAML: "target: x\nheaders:\n  Authorization: Bearer abc\n", wantInErr: []string{"line 3", `header "Authorization"`, "headers_env:"}},
		{name: "api key header in clear", givenYAML: "headers:\n  X-Trace: on\n  X-Api-Key: k\n", wantInErr: []string{"line 3", "X-Api-Key", "headers_env:"}},
		{name: "cookie header in clear", givenYAML: "headers:\n  cookie: sid=1\n", wantInErr: []string{"line 2", "cookie"}},
		{name: "unsupported method", givenYAML: "protected:\n  method: OPTIONS\n", wantInErr: []string{"protected.method", "GET, POST"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := profile.Parse([]byte(tt.givenYAML))
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
			for _, want := range tt.wantInErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
}

func TestParse_templateAndExamples(t *testing.T) {
	if _, err := profile.Parse(profile.Template); err != nil {
		t.Errorf("template: %v", err)
	}
	for _, name := range []string{"reference.yaml", "fastapi-tutorial.yaml"} {
		p, err := profile.Load(filepath.Join("..", "..", "profiles", name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		target, err := profile.Resolve(p, fakeEnv(map[string]string{
			"AUTHCONFORM_PASSWORD": "pw", "REFSERVER_SECRET": "k", "FASTAPI_SECRET_KEY": "k",
			"AUTHCONFORM_SECOND_PASSWORD": "pw2", "AUTHCONFORM_SCOPED_PASSWORD": "pw3",
			"AUTHCONFORM_CLIENT_SECRET": "cs", "AUTHCONFORM_RESOURCE_CLIENT_SECRET": "rs",
		}, nil))
		if err != nil {
			t.Errorf("%s: resolve: %v", name, err)
			continue
		}
		if target.SigningKey == nil || target.SigningKey.Alg != "HS256" || target.Password.Reveal() != "pw" {
			t.Errorf("%s: resolved target %+v lacks the key or password", name, target)
		}
	}
}

func TestApplyEnv_overridesFile(t *testing.T) {
	p, err := profile.Parse([]byte("target: https://file.example\nuser:\n  username: fromfile\n  password_file: /pw\nleeway: 5s\n"))
	if err != nil {
		t.Fatal(err)
	}
	env := fakeEnv(map[string]string{
		"AUTHCONFORM_USERNAME": "fromenv",
		"AUTHCONFORM_PASSWORD": "envpw",
		"AUTHCONFORM_LEEWAY":   "1m",
	}, map[string]string{"/pw": "filepw\n"})
	if err := profile.ApplyEnv(&p, env.Getenv); err != nil {
		t.Fatal(err)
	}
	target, err := profile.Resolve(p, env)
	if err != nil {
		t.Fatal(err)
	}
	if target.BaseURL != "https://file.example" || target.Username != "fromenv" ||
		target.Password.Reveal() != "envpw" || target.Leeway != time.Minute {
		t.Errorf("got %+v", target)
	}
}

func TestResolve_protectedMethod(t *testing.T) {
	tests := []struct {
		name      string
		givenYAML string
		givenVars map[string]string
		want      string
	}{
		{name: "absent: steps defaults to GET", givenYAML: "target: https://x.example\n", want: ""},
		{name: "post from the file", givenYAML: "protected:\n  method: POST\n", want: "POST"},
		{name: "lower case is normalised", givenYAML: "protected:\n  method: patch\n", want: "PATCH"},
		{name: "env overrides the file", givenYAML: "protected:\n  method: POST\n",
			givenVars: map[string]string{"AUTHCONFORM_PROTECTED_METHOD": "put"}, want: "PUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := profile.Parse([]byte(tt.givenYAML))
			if err != nil {
				t.Fatal(err)
			}
			env := fakeEnv(tt.givenVars, nil)
			if err := profile.ApplyEnv(&p, env.Getenv); err != nil {
				t.Fatal(err)
			}
			target, err := profile.Resolve(p, env)
			if err != nil {
				t.Fatal(err)
			}
			if target.ProtectedMethod != tt.want {
				t.Errorf("ProtectedMethod %q, want %q", target.ProtectedMethod, tt.want)
			}
		})
	}
}

func TestResolve_secretSources(t *testing.T) {
	tests := []struct {
		name      string
		givenYAML string
		givenVars map[string]string
		wantPW    string
		wantErr   string
	}{
		{name: "default demo password", givenYAML: "user: {username: u}", wantPW: "testpass"},
		{name: "from env", givenYAML: "user: {username: u, password_env: PW}", givenVars: map[string]string{"PW": "x1"}, wantPW: "x1"},
		{name: "from file, newline trimmed", givenYAML: "user: {username: u, password_file: /pw}", wantPW: "filepw"},
		{name: "env var unset", givenYAML: "user: {username: u, password_env: PW}", wantErr: "PW is not set"},
		{name: "file missing", givenYAML: "user: {username: u, password_file: /nope}", wantErr: "/nope"},
		{name: "key without alg", givenYAML: "signing_key: {key_env: K}", wantErr: "alg is required"},
		{name: "second user without password", givenYAML: "second_user: {username: v}", wantErr: "second_user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := profile.Parse([]byte(tt.givenYAML))
			if err == nil {
				res, rerr := profile.Resolve(p, fakeEnv(tt.givenVars, map[string]string{"/pw": "filepw\n"}))
				err = rerr
				if err == nil && res.Password.Reveal() != tt.wantPW {
					t.Errorf("password %q, want %q", res.Password.Reveal(), tt.wantPW)
				}
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestWriteTemplate_neverOverwrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "authconform.yaml")
	if err := profile.WriteTemplate(path); err != nil {
		t.Fatal(err)
	}
	err := profile.WriteTemplate(path)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second write: %v, want an already-exists error", err)
	}
	if _, err := profile.Load(path); err != nil {
		t.Errorf("written template does not load: %v", err)
	}
	if err := profile.WriteTemplate(filepath.Join(path, "x")); err == nil {
		t.Error("write under a file: no error")
	}
}

func TestSettings_secretsHaveNoFlagName(t *testing.T) {
	for _, s := range profile.Settings {
		if strings.Contains(s.Name, "password") || s.Name == "client-secret" || s.Name == "signing-key" {
			if !s.Secret {
				t.Errorf("setting %s holds a secret but is not marked Secret", s.Name)
			}
		}
	}
}
