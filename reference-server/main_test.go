package main

import (
	"bytes"
	"context"
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
