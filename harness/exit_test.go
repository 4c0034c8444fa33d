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
