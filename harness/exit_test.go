package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRun_noVerdictWritesReports checks that a run that cannot reach its
// target (exit 3) still writes every requested report, saying why, so CI
// finds the files it uploads.
func TestRun_noVerdictWritesReports(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	dir := t.TempDir()
	junit, html, cuke := filepath.Join(dir, "j.xml"), filepath.Join(dir, "r.html"), filepath.Join(dir, "c.json")
	res := invoke(t, map[string]string{"AUTHCONFORM_PASSWORD": "pw"}, "run", "--target", "http://"+addr,
		"--username", "u", "--junit", junit, "--html", html, "--cucumber", cuke)
	if res.code != exitUnreachable {
		t.Fatalf("exit %d, want 3; stderr %s", res.code, res.stderr)
	}
	for path, want := range map[string]string{junit: `<testcase name="preflight"`, html: "NO VERDICT", cuke: "[]"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("no report: %v", err)
			continue
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %q:\n%s", filepath.Base(path), want, data)
		}
	}
	var v []any
	if data, _ := os.ReadFile(cuke); json.Unmarshal(data, &v) != nil {
		t.Errorf("cucumber report is not JSON: %q", data)
	}
}

// TestRun_interruptedExitCode checks that a run cut short by SIGINT exits
// 130 and by SIGTERM 143, and never counts as a failed check.
func TestRun_interruptedExitCode(t *testing.T) {
	tests := []struct {
		name string
		sig  syscall.Signal
		want int
	}{
		{name: "SIGINT", sig: syscall.SIGINT, want: 130},
		{name: "SIGTERM", sig: syscall.SIGTERM, want: 143},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(interrupted{tt.sig})
			var stdout, stderr bytes.Buffer
			code := run(ctx, []string{"run", "--tags", "@T01"}, env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }})
			if code != tt.want {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.want, stderr.String())
			}
			if !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("stderr does not say the run was interrupted: %s", stderr.String())
			}
		})
	}
}

// TestRun_lintsFeaturesFirst checks that run refuses --features files
// that cannot run, before contacting any target, with lint's one-line
// findings and no Go snippet.
func TestRun_lintsFeaturesFirst(t *testing.T) {
	tests := []struct {
		name       string
		vars       map[string]string
		args       []string
		wantStderr []string
		wantAbsent []string
	}{
		{
			name:       "outline without examples",
			args:       []string{"--features", "testdata/lint/outline"},
			wantStderr: []string{"outline.feature:4: scenario outline \"Q10 each order path answers\" has no Examples rows", "1 problem(s)"},
		},
		{
			name:       "unset env placeholder",
			args:       []string{"--features", "testdata/lint/envvar"},
			wantStderr: []string{"envvar.feature:6: {{env.AUTHCONFORM_ORDER_ID}}: AUTHCONFORM_ORDER_ID is not set", "1 problem(s)"},
		},
		{
			name:       "own tag allowed as in lint",
			args:       []string{"--features", "testdata/lint/envvar", "--allow-tag", "smoke"},
			wantStderr: []string{"AUTHCONFORM_ORDER_ID is not set"},
		},
		{
			name:       "undefined step",
			args:       []string{"--features", "testdata/undefined"},
			wantStderr: []string{filepath.FromSlash("testdata/undefined/moon.feature") + ":5: undefined step: Given I fly to the moon", "moon.feature:8: scenario \"Q02 a step without its keyword\" has no steps", `"harness lint DIR"`, `"harness steps"`},
			wantAbsent: []string{"func ", "godog", "closest existing steps"},
		},
		{
			name: "built-in ID clash and forbidden env var",
			args: []string{"--features", "testdata/lint/tags"},
			wantStderr: []string{"tags.feature:3: scenario \"a scenario without check ID or severity\" has no check ID",
				"tags.feature:3: scenario \"a scenario without check ID or severity\" has no severity",
				"tags.feature:9: @T01 is a built-in check ID", "tags.feature:17: {{env.HOME}}", "4 problem(s)"},
		},
		{
			name:       "no clash without the built-in checks",
			args:       []string{"--features", "testdata/lint/tags", "--no-builtin"},
			wantStderr: []string{"tags.feature:17: {{env.HOME}}", "3 problem(s)"},
			wantAbsent: []string{"@T01"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, tt.vars, append([]string{"run"}, tt.args...)...)
			if res.code != exitUsage {
				t.Errorf("exit %d, want 2; stderr %s", res.code, res.stderr)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
				}
			}
			for _, absent := range append(tt.wantAbsent, "embedded reference server") {
				if strings.Contains(res.stderr+res.stdout, absent) {
					t.Errorf("output has %q:\n%s%s", absent, res.stdout, res.stderr)
				}
			}
		})
	}
}

// TestRun_usageMessages checks that configuration mistakes are usage
// errors (exit 2) named in the user's terms, with file and line where
// there is one, and no Go type or package name.
func TestRun_usageMessages(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "misspelt profile key", args: []string{"--profile", write("p1.yaml", "targett: http://x\n")}, want: `p1.yaml:1: unknown key "targett" (did you mean "target"?)`},
		{name: "profile is a list", args: []string{"--profile", write("p2.yaml", "- a\n")}, want: "p2.yaml:1: expected a mapping (key: value lines), found a list"},
		{name: "bad client.auth", args: []string{"--profile", write("p3.yaml", "target: http://127.0.0.1:1\nclient:\n  auth: bogus\n")}, want: `p3.yaml:3: client.auth "bogus": use none, basic or post`},
		{name: "deviations not a list", args: []string{"--deviations", write("d1.yaml", "check: T02\n")}, want: "d1.yaml:1: expected a list, found a mapping"},
		{name: "misspelt deviation key", args: []string{"--deviations", write("d2.yaml", "- chek: T02\n")}, want: `d2.yaml:1: unknown key "chek" (did you mean "check"?)`},
		{name: "deviation without reason", args: []string{"--deviations", write("d3.yaml", "- check: T02\n")}, want: "d3.yaml:1: T02 has no reason (every deviation needs one)"},
		{name: "password in the profile", args: []string{"--profile", write("p4.yaml", "target: http://127.0.0.1:1\nuser:\n  password: x\n")}, want: `p4.yaml:3: "password" would put a secret in the profile: use password_env or password_file`},
		{name: "credential header in the profile", args: []string{"--profile", write("p5.yaml", "target: http://127.0.0.1:1\nheaders:\n  X-Api-Key: k\n")}, want: `p5.yaml:3: header "X-Api-Key" would put a credential in the profile: move it to headers_env:`},
		{name: "random seed not a number", args: []string{"--random=abc"}, want: `--random "abc": not a whole number`},
		{name: "empty features directory", args: []string{"--features", empty, "--no-builtin"}, want: "--features: no *.feature files under " + empty},
		{name: "target without host", args: []string{"--target", "http://"}, want: `target "http://" has no host`},
		{name: "target port out of range", args: []string{"--target", "http://127.0.0.1:99999"}, want: "port 99999 is not between 1 and 65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, nil, append([]string{"run"}, tt.args...)...)
			if res.code != exitUsage {
				t.Errorf("exit %d, want 2", res.code)
			}
			if !strings.Contains(res.stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, res.stderr)
			}
			for _, leak := range []string{"profile.Profile", "deviations.Deviation", "strconv", "!!", "unmarshal"} {
				if strings.Contains(res.stderr, leak) {
					t.Errorf("stderr leaks %q:\n%s", leak, res.stderr)
				}
			}
			if strings.Count(res.stderr, filepath.Base(dir)) > 1 {
				t.Errorf("message names the file more than once:\n%s", res.stderr)
			}
			if strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 {
				t.Errorf("message takes more than one line:\n%s", res.stderr)
			}
		})
	}
}
