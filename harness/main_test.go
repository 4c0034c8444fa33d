package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/authconform/authconform/reference-server/server"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// result is what one invocation of the program did.
type result struct {
	code           int
	stdout, stderr string
}

// invoke runs the program with args and the env vars in vars only.
func invoke(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, env{
		stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return vars[k] },
	})
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// startReference serves a reference server with one user and the given
// HS256 secret.
func startReference(t *testing.T, username, password string, secret []byte) *httptest.Server {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	srv, err := server.New(server.Config{
		Secret: secret,
		// The metadata must name the server as the harness reaches it.
		Issuer: "http://" + ts.Listener.Addr().String(),
		Users:  []server.User{{Name: username, PasswordHash: hash, Scopes: []string{"read"}}},
		// The confidential client the secrets test authenticates as.
		Clients: append(server.DemoClients(), server.Client{ID: "cli", Secret: leakClientSecret}),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

func demoReference(t *testing.T) *httptest.Server {
	t.Helper()
	return startReference(t, server.DemoUsername, server.DemoPassword, nil)
}

// closedPort returns a loopback URL nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	ln.Close()
	return u
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRun_errors: each bad input gets one line naming the problem and the
// documented exit code, before or without touching the network.
func TestRun_errors(t *testing.T) {
	tlsServer := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsServer.Close)
	badProfile := writeFile(t, "bad.yaml", "target: http://127.0.0.1:1\nuser:\n\tusername: u\n")
	unknownKey := writeFile(t, "unknown.yaml", "target: http://127.0.0.1:1\ntoken_pth: /t\n")
	deviationsNoReason := writeFile(t, "dev.yaml", "- check: T02\n")

	tests := []struct {
		name       string
		givenArgs  []string
		wantCode   int
		wantStderr string
	}{
		{name: "unreachable target", givenArgs: []string{"run", "--target", closedPort(t)}, wantCode: 3, wantStderr: "connection refused"},
		{name: "TLS failure", givenArgs: []string{"run", "--target", tlsServer.URL}, wantCode: 3, wantStderr: "certificate"},
		{name: "malformed profile", givenArgs: []string{"run", "--profile", badProfile}, wantCode: 2, wantStderr: "bad.yaml:3: "},
		{name: "unknown profile key", givenArgs: []string{"run", "--profile", unknownKey}, wantCode: 2, wantStderr: "token_pth"},
		{name: "missing profile", givenArgs: []string{"run", "--profile", "/no/such.yaml"}, wantCode: 2, wantStderr: "/no/such.yaml"},
		{name: "malformed tag expression", givenArgs: []string{"run", "--tags", "@T01 && "}, wantCode: 2, wantStderr: "--tags"},
		{name: "unknown tag", givenArgs: []string{"run", "--tags", "@securty"}, wantCode: 2, wantStderr: "@securty"},
		{name: "no scenario matched", givenArgs: []string{"run", "--tags", "@T01 && @T02"}, wantCode: 2, wantStderr: "no scenario matches"},
		{name: "missing feature dir", givenArgs: []string{"run", "--features", "/no/such/dir"}, wantCode: 2, wantStderr: "/no/such/dir"},
		{name: "no-builtin alone", givenArgs: []string{"run", "--no-builtin"}, wantCode: 2, wantStderr: "--features"},
		{name: "wrong flag", givenArgs: []string{"run", "--targte", "x"}, wantCode: 2, wantStderr: "unknown flag: --targte"},
		{name: "password flag", givenArgs: []string{"run", "--password", "x"}, wantCode: 2, wantStderr: "unknown flag: --password"},
		{name: "unknown command", givenArgs: []string{"rnu"}, wantCode: 2, wantStderr: "unknown command"},
		{name: "bad duration flag", givenArgs: []string{"run", "--timeout", "soon"}, wantCode: 2, wantStderr: "--timeout"},
		{name: "plain http remote", givenArgs: []string{"run", "--target", "http://api.example.com"}, wantCode: 2, wantStderr: "--allow-insecure-http"},
		{name: "bad base URL", givenArgs: []string{"run", "--target", "ftp://x"}, wantCode: 2, wantStderr: "scheme"},
		{name: "deviation without reason", givenArgs: []string{"run", "--deviations", deviationsNoReason}, wantCode: 2, wantStderr: "no reason"},
		{name: "report in missing dir", givenArgs: []string{"run", "--junit", "/no/such/dir/j.xml"}, wantCode: 2, wantStderr: "--junit"},
		{name: "bad ca file", givenArgs: []string{"run", "--ca-file", "/no/ca.pem"}, wantCode: 2, wantStderr: "--ca-file"},
		{name: "bad format", givenArgs: []string{"run", "--format", "junit"}, wantCode: 2, wantStderr: "--format"},
		{name: "zero concurrency", givenArgs: []string{"run", "--concurrency", "0"}, wantCode: 2, wantStderr: "--concurrency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, nil, tt.givenArgs...)
			if res.code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr: %s", res.code, tt.wantCode, res.stderr)
			}
			lines := strings.Split(strings.TrimRight(res.stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "harness: ") {
				t.Errorf("stderr is not one harness: line:\n%s", res.stderr)
			}
			if !strings.Contains(res.stderr, tt.wantStderr) {
				t.Errorf("stderr %q does not name %q", res.stderr, tt.wantStderr)
			}
			if strings.Contains(res.stderr, "goroutine") || strings.Contains(res.stderr, "panic") {
				t.Errorf("stack trace on stderr:\n%s", res.stderr)
			}
		})
	}
}

func TestRun_caFileTrustsTarget(t *testing.T) {
	ref := demoReference(t)
	tlsServer := httptest.NewTLSServer(ref.Config.Handler)
	t.Cleanup(tlsServer.Close)
	ca := writeFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsServer.Certificate().Raw})))

	res := invoke(t, nil, "run", "--target", tlsServer.URL, "--ca-file", ca, "--tags", "@T01")
	if res.code != 0 {
		t.Fatalf("exit %d with --ca-file; stderr: %s", res.code, res.stderr)
	}
	junit := filepath.Join(t.TempDir(), "j.xml")
	res = invoke(t, nil, "run", "--target", tlsServer.URL, "--insecure-skip-verify", "--tags", "@T01", "--junit", junit)
	if res.code != 0 {
		t.Fatalf("exit %d with --insecure-skip-verify; stderr: %s", res.code, res.stderr)
	}
	b, _ := os.ReadFile(junit)
	for name, out := range map[string]string{"stdout": res.stdout, "stderr": res.stderr, "junit": string(b)} {
		if !strings.Contains(out, "WARNING") || !strings.Contains(out, "insecure-skip-verify") {
			t.Errorf("%s does not carry the --insecure-skip-verify warning", name)
		}
	}
}

// volatile matches what changes from run to run: ports, durations, seeds.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`(?m)^\d+(\.\d+)?(ns|µs|ms|s|m\d+(\.\d+)?s)$`), "DURATION"},
	{regexp.MustCompile(`seed:? \d+`), "seed SEED"},
	{regexp.MustCompile(`--random=\d+`), "--random=SEED"},
}

func normalise(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

// TestRun_embeddedGolden runs against the embedded reference server, as
// "make run" does, in random order. It selects a few checks so that new
// features do not churn the golden file.
func TestRun_embeddedGolden(t *testing.T) {
	res := invoke(t, nil, "run", "--random", "--no-color", "--tags", "@T01,@T02,@B02,@B05")
	if res.code != 0 {
		t.Fatalf("exit %d; stderr: %s\nstdout: %s", res.code, res.stderr, res.stdout)
	}
	golden(t, "run_embedded.stdout.golden", normalise(res.stdout))
	golden(t, "run_embedded.stderr.golden", normalise(res.stderr))
}

func TestInit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.yaml")
	if res := invoke(t, nil, "init", path); res.code != 0 || !strings.Contains(res.stdout, path) {
		t.Fatalf("init: %+v", res)
	}
	before, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(before, "# mine\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	res := invoke(t, nil, "init", path)
	if res.code != 2 || !strings.Contains(res.stderr, "already exists") {
		t.Errorf("second init: %+v, want exit 2 and already exists", res)
	}
	after, _ := os.ReadFile(path)
	if !strings.HasSuffix(string(after), "# mine\n") {
		t.Error("second init overwrote the user's file")
	}
}

func TestChecks_listsCatalogue(t *testing.T) {
	res := invoke(t, nil, "checks")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	golden(t, "checks.golden", res.stdout)
}

func TestVersionAndHelp(t *testing.T) {
	if res := invoke(t, nil, "version"); res.code != 0 || !strings.Contains(res.stdout, "harness") {
		t.Errorf("version: %+v", res)
	}
	for _, cmd := range []string{"run", "init", "checks", "version"} {
		res := invoke(t, nil, cmd, "--help")
		if res.code != 0 || !strings.Contains(res.stdout, "Usage:") {
			t.Errorf("%s --help: %+v", cmd, res)
		}
	}
	res := invoke(t, nil, "run", "--help")
	for _, flag := range []string{"--profile", "--junit", "--cucumber", "--html", "--deviations", "--random", "--fail-fast", "--ca-file", "AUTHCONFORM_TARGET"} {
		if !strings.Contains(res.stdout, flag) {
			t.Errorf("run --help does not mention %s", flag)
		}
	}
}

// TestRun_colour: pretty and coloured on a terminal, plain with NO_COLOR.
func TestRun_colour(t *testing.T) {
	tests := []struct {
		name       string
		givenVars  map[string]string
		wantColour bool
	}{
		{name: "terminal", wantColour: true},
		{name: "terminal with NO_COLOR", givenVars: map[string]string{"NO_COLOR": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"run", "--tags", "@T01"}, env{
				stdout: &stdout, stderr: &stderr, isTerminal: true,
				getenv: func(k string) string { return tt.givenVars[k] },
			})
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if got := strings.Contains(stdout.String(), "\x1b["); got != tt.wantColour {
				t.Errorf("colour %v, want %v", got, tt.wantColour)
			}
			if !strings.Contains(stdout.String(), "Feature:") {
				t.Error("not the pretty format on a terminal")
			}
		})
	}
}
