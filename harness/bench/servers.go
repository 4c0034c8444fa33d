package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// serverReady bounds how long a Go server may take to listen.
const serverReady = 20 * time.Second

// serverLoads measures the ceiling and the reference server, each in a
// process of its own so that each peak memory figure is its own.
func (b *bench) serverLoads(ctx context.Context) error {
	b.step("ceiling: bare net/http handler, GET /secure-data")
	ceiling, err := startServer(ctx, serverSpec{
		name: "ceiling", argv: []string{b.bins.ceiling, "-addr", "%ADDR%"}, ready: serverReady,
	}, b.tmp)
	if err != nil {
		return err
	}
	row := b.measure(ctx, ceiling, secureDataTarget(ceiling.baseURL, "/secure-data", ""), reqCeiling)
	b.res.addServer("bare net/http (ceiling)", ceiling.stop(), []loadRow{row})

	refArgs := []string{b.bins.refServer, "--addr", "%ADDR%"}
	b.step("reference server, default settings")
	ref, err := startServer(ctx, serverSpec{name: "reference", argv: refArgs, ready: serverReady}, b.tmp)
	if err != nil {
		return err
	}
	rows := b.loadServer(ctx, ref, nameReference, true)
	b.res.addServer(nameReference, ref.stop(), rows)

	b.step("reference server, access log off (--log-level error)")
	quiet, err := startServer(ctx, serverSpec{
		name: "reference-quiet", argv: append(refArgs, "--log-level", "error"), ready: serverReady,
	}, b.tmp)
	if err != nil {
		return err
	}
	rows = b.loadServer(ctx, quiet, "reference server, access log off", false)
	b.res.addServer("reference server, access log off", quiet.stop(), rows)

	return b.lowCostTokens(ctx, refArgs)
}

// lowCostTokens repeats the /token load with the cheapest bcrypt cost when
// the reference server lets it be configured.
func (b *bench) lowCostTokens(ctx context.Context, refArgs []string) error {
	help, _ := exec.CommandContext(ctx, b.bins.refServer, "--help").CombinedOutput()
	if !strings.Contains(string(help), "REFSERVER_BCRYPT_COST") {
		b.res.note("the reference server has no REFSERVER_BCRYPT_COST yet: POST /token measured at bcrypt's default cost only")
		return nil
	}
	b.step("reference server, REFSERVER_BCRYPT_COST=%s", lowBcryptCost)
	srv, err := startServer(ctx, serverSpec{
		name: "reference-lowcost", argv: refArgs, ready: serverReady,
		env: []string{"REFSERVER_BCRYPT_COST=" + lowBcryptCost},
	}, b.tmp)
	if err != nil {
		return err
	}
	// The harness alone first, at the bcrypt cost the embedded server uses,
	// before the /token load below moves the server's state.
	if err := b.harnessExternal(ctx, srv.baseURL); err != nil {
		srv.stop()
		return err
	}
	row := b.measure(ctx, srv, tokenTarget(srv.baseURL, demoUser, demoPassword), reqToken)
	b.res.addServer("reference server, bcrypt cost "+lowBcryptCost, srv.stop(), []loadRow{row})
	return nil
}

// loadServer measures GET /secure-data with a valid token and, when
// withToken, POST /token on a running server.
func (b *bench) loadServer(ctx context.Context, srv *server, label string, withToken bool) []loadRow {
	token, err := fetchToken(ctx, srv.baseURL, demoUser, demoPassword)
	if err != nil {
		b.res.note(fmt.Sprintf("%s: no token, not loaded: %v", label, err))
		return nil
	}
	b.step("%s: %s, %d connections, %s", label, reqSecureData, b.cfg.conns, b.cfg.duration)
	rows := []loadRow{b.measure(ctx, srv, secureDataTarget(srv.baseURL, "/secure-data", token), reqSecureData)}
	if withToken {
		b.step("%s: %s, %d connections, %s", label, reqToken, b.cfg.conns, b.cfg.duration)
		rows = append(rows, b.measure(ctx, srv, tokenTarget(srv.baseURL, demoUser, demoPassword), reqToken))
	}
	return rows
}

func (b *bench) measure(ctx context.Context, srv *server, tgt vegeta.Target, request string) loadRow {
	return loadRow{request: request, res: load(ctx, srv, tgt, b.cfg.conns, b.cfg.duration)}
}

// harnessExternal times the suite against an already running reference
// server at bcrypt's minimum cost: the harness process's own cost, without
// the server's.
func (b *bench) harnessExternal(ctx context.Context, baseURL string) error {
	b.step("harness suite against the running reference server, %d runs", b.cfg.reps)
	r, err := repeated(ctx, b.cfg.reps, parseHarness, b.tmp, nil, b.bins.harness, "run",
		"--target", baseURL, "--format", "progress", "--no-color", "--tags", "~@needs-wait")
	if err != nil {
		return err
	}
	b.res.harnessExternal = &r
	return nil
}

// goBenchmarks runs every Go benchmark of the module (-benchmem) and keeps
// its output for the results file.
func (b *bench) goBenchmarks(ctx context.Context) {
	pkgs, err := benchmarkPackages(b.cfg.repo)
	if err != nil || len(pkgs) == 0 {
		b.res.note(fmt.Sprintf("no Go benchmarks found (%v)", err))
		return
	}
	b.step("Go benchmarks: %s", strings.Join(pkgs, " "))
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem",
		"-benchtime", b.cfg.benchtime}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = b.cfg.repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.res.note(fmt.Sprintf("go test -bench: %v", err))
	}
	b.res.goBench = strings.TrimSpace(string(out))
}

// benchmarkPackages lists, as ./relative paths, the packages under repo
// whose test files declare a benchmark.
func benchmarkPackages(repo string) ([]string, error) {
	set := map[string]bool{}
	err := filepath.WalkDir(repo, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != repo && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src), "\nfunc Benchmark") {
			rel, _ := filepath.Rel(repo, filepath.Dir(path))
			set["./"+filepath.ToSlash(rel)] = true
		}
		return nil
	})
	pkgs := make([]string, 0, len(set))
	for p := range set {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	return pkgs, err
}
