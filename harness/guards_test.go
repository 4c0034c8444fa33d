package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun_reportPathsNeverOverwriteInputs checks that a report path that
// is an input file or another report is refused before anything runs, and
// that the file is left as it was.
func TestRun_reportPathsNeverOverwriteInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	prof := write("p.yaml", "target: http://127.0.0.1:1\n")
	keyProf := write("k.yaml", "target: http://127.0.0.1:1\nsigning_key:\n  alg: HS256\n  key_file: key.pem\n")
	dev := write("d.yaml", "- check: T02\n  reason: known\n")
	feat := write("feats/own.feature", "Feature: own\n")
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(prof, link); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "r.xml")
	tests := []struct {
		name      string
		givenArgs []string
		wantErr   string
		keep      string // a file that must be unchanged
	}{
		{name: "html over the profile", givenArgs: []string{"--profile", prof, "--html", prof}, wantErr: "--html " + prof + " is the --profile", keep: prof},
		{name: "cucumber over the deviations", givenArgs: []string{"--profile", prof, "--deviations", dev, "--cucumber", dev}, wantErr: "is the --deviations file", keep: dev},
		{name: "junit over a feature file", givenArgs: []string{"--profile", prof, "--features", filepath.Dir(feat), "--junit", feat}, wantErr: "is --features file", keep: feat},
		{name: "html through a link to the profile", givenArgs: []string{"--profile", prof, "--html", link}, wantErr: "is the --profile", keep: prof},
		{name: "junit over the signing key file", givenArgs: []string{"--profile", keyProf, "--junit", "key.pem"}, wantErr: "is the signing key file"},
		{name: "two reports on one file", givenArgs: []string{"--profile", prof, "--junit", report, "--html", dir + "/./r.xml"}, wantErr: "is also the --junit report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before []byte
			if tt.keep != "" {
				before, _ = os.ReadFile(tt.keep)
			}
			res := invoke(t, nil, append([]string{"run"}, tt.givenArgs...)...)
			if res.code != exitUsage || !strings.Contains(res.stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", res.code, res.stderr, tt.wantErr)
			}
			if tt.keep != "" {
				if after, _ := os.ReadFile(tt.keep); string(after) != string(before) {
					t.Errorf("%s changed:\n%s", tt.keep, after)
				}
			}
		})
	}
}

// TestRun_embeddedRefusesTargetSettings checks that settings describing a
// target, given without one, stop the run instead of being ignored by the
// embedded reference server.
func TestRun_embeddedRefusesTargetSettings(t *testing.T) {
	noTarget := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(noTarget, []byte("token_path: /oauth/token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		givenVars map[string]string
		givenArgs []string
		wantCode  int
		wantErr   string
	}{
		{name: "password and client secret", givenVars: map[string]string{"AUTHCONFORM_PASSWORD": "pw", "AUTHCONFORM_CLIENT_SECRET": "s"},
			wantCode: exitUsage, wantErr: "no target given: AUTHCONFORM_CLIENT_SECRET, AUTHCONFORM_PASSWORD would be ignored by the embedded reference server"},
		{name: "username flag", givenArgs: []string{"--username", "bob"}, wantCode: exitUsage, wantErr: "--username would be ignored"},
		{name: "profile without target", givenArgs: []string{"--profile", noTarget}, wantCode: exitUsage, wantErr: "--profile " + noTarget + " would be ignored"},
		{name: "harness-side settings only", givenVars: map[string]string{"AUTHCONFORM_TIMEOUT": "5s"}, givenArgs: []string{"--max-wait", "0s"}, wantCode: 0},
		{name: "nothing set", wantCode: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, tt.givenVars, append([]string{"run", "--tags", "@T01"}, tt.givenArgs...)...)
			if res.code != tt.wantCode || !strings.Contains(res.stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", res.code, res.stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// TestRun_noVerdictSaysWhy checks the exit-3 message: a refused
// connection says so and claims no timeout, and a refused login names
// the OAuth error code the target sent.
func TestRun_noVerdictSaysWhy(t *testing.T) {
	ref := startReference(t, "alice", "right-password", []byte("0123456789abcdef0123456789abcdef"))
	tests := []struct {
		name       string
		givenVars  map[string]string
		givenArgs  []string
		wantStderr string
		wantAbsent string
	}{
		{name: "connection refused", givenArgs: []string{"--target", closedPort(t)},
			wantStderr: "connection refused)\n", wantAbsent: "expected an answer within"},
		{name: "wrong password", givenVars: map[string]string{"AUTHCONFORM_USERNAME": "alice", "AUTHCONFORM_PASSWORD": "wrong"}, givenArgs: []string{"--target", ref.URL},
			wantStderr: `got status 400; the target answered error "invalid_grant" (wrong username or password?)`, wantAbsent: "wrong\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, tt.givenVars, append([]string{"run", "--tags", "@T01"}, tt.givenArgs...)...)
			if res.code != exitUnreachable || !strings.Contains(res.stderr, tt.wantStderr) || strings.Contains(res.stderr, tt.wantAbsent) {
				t.Errorf("exit %d, stderr %q; want 3, %q and not %q", res.code, res.stderr, tt.wantStderr, tt.wantAbsent)
			}
		})
	}
}
