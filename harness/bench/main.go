// Command bench is `make bench`: it builds the harness, the reference server
// and a bare net/http ceiling into a temporary directory, starts the servers
// on loopback ports, measures them beside the references a user would
// compare them with (the FastAPI tutorial app and its pytest suite), stops
// everything it started and writes the figures to a results file and a
// short table to stdout.
//
// It talks to what it measures only through built binaries and HTTP, so it
// does not depend on their internals. Loads are closed loops of a bounded
// duration from vegeta used as a library; memory is the peak resident set
// size the kernel reports for each child process (Linux).
//
// The machine is shared and noisy: compare the ratios of one run, not
// absolute figures from different runs.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// config holds the command line settings.
type config struct {
	repo          string
	out           string
	duration      time.Duration
	conns         int
	reps          int
	fastapiDir    string
	installPython bool
	benchtime     string
}

// run is the whole program; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	b := &bench{cfg: cfg, log: stderr}
	res, err := b.all(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, []byte(res.markdown()), 0o644); err != nil {
			fmt.Fprintln(stderr, "bench: write results:", err)
			return 1
		}
	}
	fmt.Fprint(stdout, res.text())
	if cfg.out != "" {
		fmt.Fprintf(stdout, "\nresults written to %s\n", cfg.out)
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.repo, "repo", ".", "root `DIR` of the authconform module")
	fs.StringVar(&c.out, "out", "harness/bench/RESULTS.md", "results `FILE` (markdown); empty for none")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "length of each measured load")
	fs.IntVar(&c.conns, "conns", 32, "connections of each load")
	fs.IntVar(&c.reps, "reps", 5, "runs of each suite; the median is reported")
	fs.StringVar(&c.fastapiDir, "fastapi", "", "`DIR` of the FastAPI tutorial app (default: the nearest shared/targets/fastapi-seed above -repo)")
	fs.BoolVar(&c.installPython, "install-python", true, "apt-get install python3-pytest and python3-httpx when missing (root only)")
	fs.StringVar(&c.benchtime, "benchtime", "300ms", "-benchtime of the Go benchmarks")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case c.duration <= 0 || c.duration > time.Minute:
		return c, fmt.Errorf("-duration %s: must be in (0, 1m]", c.duration)
	case c.conns < 1 || c.conns > 1024:
		return c, fmt.Errorf("-conns %d: must be in [1, 1024]", c.conns)
	case c.reps < 1 || c.reps > 50:
		return c, fmt.Errorf("-reps %d: must be in [1, 50]", c.reps)
	}
	repo, err := filepath.Abs(c.repo)
	if err != nil {
		return c, fmt.Errorf("-repo %s: %w", c.repo, err)
	}
	c.repo = repo
	if _, err := os.Stat(filepath.Join(repo, "go.mod")); err != nil {
		return c, fmt.Errorf("-repo %s: not a module root: %w", repo, err)
	}
	if c.fastapiDir == "" {
		c.fastapiDir = findUp(repo, filepath.Join("shared", "targets", "fastapi-seed"))
	}
	return c, nil
}

// findUp returns the first dir/rel that exists in dir or one of its
// parents, or "" when there is none.
func findUp(dir, rel string) string {
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
