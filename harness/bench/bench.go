package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Demo credentials of the reference server (README): public on purpose.
const (
	demoUser     = "testuser"
	demoPassword = "testpass"
)

// lowBcryptCost is the cost the /token load is repeated with when the
// reference server lets it be set: bcrypt's minimum.
const lowBcryptCost = "4"

// The waiting run: the embedded server's token lifetime, and the longest
// wait the harness may make.
const (
	waitLifetime = "3s"
	maxWait      = "1m"
)

// bench runs every measurement of one `make bench`.
type bench struct {
	cfg  config
	log  io.Writer
	tmp  string
	bins struct{ harness, refServer, ceiling string }
	res  *results
}

// all runs every measurement in turn and returns what they found. A
// reference that cannot be measured here is noted, not an error.
func (b *bench) all(ctx context.Context) (*results, error) {
	b.res = &results{machine: describeMachine(), cfg: b.cfg}
	tmp, err := os.MkdirTemp("", "authconform-bench-")
	if err != nil {
		return nil, fmt.Errorf("make temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	b.tmp = tmp

	if err := b.build(ctx); err != nil {
		return nil, err
	}
	if err := b.harnessSuite(ctx); err != nil {
		return nil, err
	}
	b.fastAPI(ctx)
	if err := b.serverLoads(ctx); err != nil {
		return nil, err
	}
	b.goBenchmarks(ctx)
	return b.res, ctx.Err()
}

func (b *bench) step(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

// build compiles what is measured, so that compilation is not measured.
func (b *bench) build(ctx context.Context) error {
	b.step("building harness, reference-server and ceiling")
	b.bins.harness = filepath.Join(b.tmp, "harness")
	b.bins.refServer = filepath.Join(b.tmp, "reference-server")
	b.bins.ceiling = filepath.Join(b.tmp, "ceiling")
	for out, pkg := range map[string]string{
		b.bins.harness:   "./harness",
		b.bins.refServer: "./reference-server",
		b.bins.ceiling:   "./harness/bench/ceiling",
	} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
		cmd.Dir = b.cfg.repo
		if msg, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
		}
	}
	return nil
}

// harnessSuite times the default suite against the embedded reference
// server, waiting scenarios excluded, at the default concurrency and at 1;
// then the suite with them, when there are any.
func (b *bench) harnessSuite(ctx context.Context) error {
	base := []string{b.bins.harness, "run", "--format", "progress", "--no-color"}
	noWait := append(append([]string(nil), base...), "--tags", "~@needs-wait")

	b.step("harness suite, default concurrency, %d runs", b.cfg.reps)
	r, err := repeated(ctx, b.cfg.reps, parseHarness, b.tmp, nil, noWait...)
	if err != nil {
		return err
	}
	b.res.harnessDefault = r
	b.step("harness suite, concurrency 1, %d runs", b.cfg.reps)
	r, err = repeated(ctx, b.cfg.reps, parseHarness, b.tmp, nil, append(noWait, "--concurrency", "1")...)
	if err != nil {
		return err
	}
	b.res.harnessSerial = r

	n, err := countTag(filepath.Join(b.cfg.repo, "features"), "@needs-wait")
	if err != nil {
		return err
	}
	b.res.waitScenarios = n
	if n == 0 {
		return nil
	}
	// Against 15-minute tokens E01 would wait 15 minutes: the embedded
	// server is given short-lived tokens and no leeway, and the suite is run
	// without and then with the waiting scenarios on that same server, so
	// that the difference is what they add.
	env := []string{"AUTHCONFORM_EMBEDDED_TOKEN_LIFETIME=" + waitLifetime, "AUTHCONFORM_EMBEDDED_LEEWAY=0s"}
	b.step("harness suite, tokens of %s, without and with its %d waiting scenarios", waitLifetime, n)
	without, err := repeated(ctx, 1, parseHarness, b.tmp, env, noWait...)
	if err != nil {
		return err
	}
	with, err := repeated(ctx, 1, parseHarness, b.tmp, env, append(base, "--max-wait", maxWait)...)
	if err != nil {
		return err
	}
	b.res.harnessWaitBase, b.res.harnessWithWait = &without, &with
	b.res.longestWait = longestWait(with.Output)
	return nil
}

// countTag counts the lines of the feature files under dir that carry tag.
func countTag(dir, tag string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".feature") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "@") && containsField(line, tag) {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count %s scenarios in %s: %w", tag, dir, err)
	}
	return n, nil
}

func containsField(line, field string) bool {
	for _, f := range strings.Fields(line) {
		if f == field {
			return true
		}
	}
	return false
}

// fastAPI measures the tutorial app and its pytest suite when the app can
// be started here; otherwise it notes why not.
func (b *bench) fastAPI(ctx context.Context) {
	dir := b.cfg.fastapiDir
	if dir == "" {
		b.res.note("FastAPI tutorial app not found (no shared/targets/fastapi-seed above the repo; -fastapi DIR): not measured")
		return
	}
	b.step("starting the FastAPI tutorial app (its start.sh may install Debian packages)")
	srv, err := startServer(ctx, serverSpec{
		name:  "fastapi",
		argv:  []string{filepath.Join(dir, "start.sh"), "%PORT%"},
		dir:   dir,
		ready: 3 * time.Minute,
	}, b.tmp)
	if err != nil {
		b.res.note(fmt.Sprintf("FastAPI tutorial app could not be started: %v", err))
		return
	}
	b.pytest(ctx, dir, srv.baseURL)
	rows := b.loadServer(ctx, srv, nameFastAPI, true)
	b.res.addServer(nameFastAPI, srv.stop(), rows)
}

// pytest times the tutorial's own pytest + httpx suite against the running
// app, when Debian's python3-pytest and python3-httpx are (or can quickly
// be) installed.
func (b *bench) pytest(ctx context.Context, dir, baseURL string) {
	if why := b.ensurePythonTests(ctx); why != "" {
		b.res.note("pytest suite not measured: " + why)
		return
	}
	b.step("pytest suite of the FastAPI tutorial, %d runs", b.cfg.reps)
	r, err := repeated(ctx, b.cfg.reps, parsePytest, dir,
		[]string{"TARGET_URL=" + baseURL, "PYTHONDONTWRITEBYTECODE=1"},
		"/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
	if err != nil {
		b.res.note("pytest suite not measured: " + err.Error())
		return
	}
	b.res.pytest = &r
}

var pythonTestPackages = []string{"python3-pytest", "python3-httpx"}

// ensurePythonTests returns "" when the pytest suite can run, else why not.
func (b *bench) ensurePythonTests(ctx context.Context) string {
	missing := missingDebPackages(ctx, pythonTestPackages)
	if len(missing) == 0 {
		return ""
	}
	if !b.cfg.installPython || os.Geteuid() != 0 {
		return fmt.Sprintf("%s not installed (run as root, or apt-get install them)", strings.Join(missing, ", "))
	}
	b.step("installing %s with apt-get", strings.Join(missing, " "))
	if err := aptInstall(ctx, missing); err != nil {
		return fmt.Sprintf("%s not installed and apt-get could not install them: %v", strings.Join(missing, ", "), err)
	}
	b.res.note("installed " + strings.Join(missing, ", ") + " with apt-get for the pytest reference")
	return ""
}

// missingDebPackages returns the packages dpkg does not list as installed.
func missingDebPackages(ctx context.Context, pkgs []string) []string {
	var missing []string
	for _, p := range pkgs {
		out, err := exec.CommandContext(ctx, "dpkg-query", "-W", "-f=${Status}", p).Output()
		if err != nil || !bytes.Contains(out, []byte("install ok installed")) {
			missing = append(missing, p)
		}
	}
	return missing
}

// aptInstall installs pkgs, refreshing the package lists only when the
// first try fails; each try is bounded to two minutes.
func aptInstall(ctx context.Context, pkgs []string) error {
	try := func(args ...string) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %w: %s", args[0], err, lastLine(out))
		}
		return nil
	}
	install := append([]string{"install", "-y", "-qq"}, pkgs...)
	if try(install...) == nil {
		return nil
	}
	if err := try("update", "-qq"); err != nil {
		return err
	}
	return try(install...)
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
