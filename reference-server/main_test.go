package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseOptions_flagsOverrideEnv(t *testing.T) {
	o, err := parseOptions(
		[]string{"--leeway", "5s", "--insecure-fault", "alg-none", "--insecure-fault", "no-pragma"},
		envOf(map[string]string{"REFSERVER_LEEWAY": "1m", "REFSERVER_ALG": "ES256", "REFSERVER_INSECURE_FAULTS": "no-challenge"}),
		&bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.leeway != 5*time.Second || o.alg != "ES256" || strings.Join(o.faults, ",") != "alg-none,no-pragma" {
		t.Errorf("got leeway %s alg %s faults %v", o.leeway, o.alg, o.faults)
	}
}

func TestRun_refusesFaultsBeyondLoopback(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--addr", "0.0.0.0:0", "--insecure-fault", "alg-none"}, envOf(nil), &bytes.Buffer{}, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "loopback") {
		t.Errorf("exit %d, stderr %q: want 2 naming loopback", code, stderr.String())
	}
}

func TestRun_badConfigIsUsageError(t *testing.T) {
	for _, args := range [][]string{{"--alg", "HS999"}, {"--insecure-fault", "nope"}, {"--bcrypt-cost", "99"}, {"stray"}} {
		var stderr bytes.Buffer
		env := envOf(map[string]string{"REFSERVER_ADDR": "127.0.0.1:0"})
		if code := run(context.Background(), append(args, "--addr", "127.0.0.1:0"), env, &bytes.Buffer{}, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}

func TestRun_listFaults(t *testing.T) {
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"--list-faults"}, envOf(nil), &stdout, &bytes.Buffer{}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stdout.String(), "alg-none") || strings.Count(stdout.String(), "\n") < 31 {
		t.Errorf("list too short:\n%s", stdout.String())
	}
}

// TestRun_badSettingIsOneLineUsageError: a bad value is exit 2 with one
// line naming the flag or env var, its value and --help, not the whole
// usage text; values a default would silently replace are bad too.
func TestRun_badSettingIsOneLineUsageError(t *testing.T) {
	tests := []struct {
		name      string
		givenArgs []string
		givenEnv  map[string]string
		wantLine  string
	}{
		{name: "unparsable value", givenArgs: []string{"--bcrypt-cost", "abc"}, wantLine: `"abc" for flag -bcrypt-cost`},
		{name: "unparsable env var", givenEnv: map[string]string{"REFSERVER_LEEWAY": "soon"}, wantLine: `REFSERVER_LEEWAY="soon" (--leeway)`},
		{name: "unknown flag", givenArgs: []string{"--nope"}, wantLine: "-nope"},
		{name: "zero token lifetime", givenArgs: []string{"--token-lifetime", "0s"}, wantLine: "--token-lifetime 0s: must be within [1s,"},
		{name: "zero token lifetime from env", givenEnv: map[string]string{"REFSERVER_TOKEN_LIFETIME": "0s"}, wantLine: "REFSERVER_TOKEN_LIFETIME 0s"},
		{name: "negative token lifetime", givenArgs: []string{"--token-lifetime", "-5m"}, wantLine: "--token-lifetime -5m0s"},
		{name: "zero refresh lifetime", givenArgs: []string{"--refresh-lifetime", "0s"}, wantLine: "--refresh-lifetime 0s: must be positive"},
		{name: "negative leeway", givenArgs: []string{"--leeway", "-1s"}, wantLine: "--leeway -1s"},
		{name: "bcrypt cost under the minimum", givenArgs: []string{"--bcrypt-cost", "1"}, wantLine: "--bcrypt-cost 1: must be within [4, 31]"},
		{name: "bcrypt cost 0", givenArgs: []string{"--bcrypt-cost", "0"}, wantLine: "--bcrypt-cost 0: must be within [4, 31]"},
		{name: "bcrypt cost over the maximum", givenArgs: []string{"--bcrypt-cost", "99"}, wantLine: "--bcrypt-cost 99: must be within [4, 31]"},
		{name: "throttle failures under -1", givenArgs: []string{"--throttle-failures", "-7"}, wantLine: "--throttle-failures -7"},
		{name: "zero lock-out", givenArgs: []string{"--throttle-lockout", "0s"}, wantLine: "--throttle-lockout 0s"},
		{name: "issuer not a URL", givenArgs: []string{"--issuer", "notaurl"}, wantLine: `--issuer: issuer "notaurl"`},
		{name: "issuer with query", givenArgs: []string{"--issuer", "http://as.test?x=1"}, wantLine: "no query or fragment"},
		{name: "malformed address", givenArgs: []string{"--addr", "garbage"}, wantLine: `--addr "garbage": must be HOST:PORT`},
		{name: "port out of range", givenArgs: []string{"--addr", "127.0.0.1:99999"}, wantLine: `port "99999"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), tt.givenArgs, envOf(tt.givenEnv), &bytes.Buffer{}, &stderr)
			out := stderr.String()
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, out)
			}
			if strings.Count(out, "\n") != 1 || !strings.Contains(out, tt.wantLine) || !strings.HasSuffix(out, "see --help\n") {
				t.Errorf("stderr %q: want one line with %q ending in see --help", out, tt.wantLine)
			}
		})
	}
}

func TestRun_helpPrintsUsage(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, envOf(nil), &bytes.Buffer{}, &stderr); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if !strings.Contains(stderr.String(), "Usage: reference-server") || !strings.Contains(stderr.String(), "-bcrypt-cost") {
		t.Errorf("usage text missing: %q", stderr.String())
	}
}

// TestRun_portInUseIsExit1: an address that is well formed but taken is a
// run-time failure (exit 1) that says so.
func TestRun_portInUseIsExit1(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--addr", ln.Addr().String(), "--bcrypt-cost", "4"}, envOf(nil), &bytes.Buffer{}, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "already in use") {
		t.Errorf("exit %d, stderr %q: want 1 saying the address is in use", code, stderr.String())
	}
}
