package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// suiteRun is one timed run of a test suite as a child process.
type suiteRun struct {
	Wall    time.Duration
	CPU     time.Duration // user + system
	PeakRSS int64         // bytes
	Exit    int
	Counts  counts
	Output  string
}

// counts are what a suite's output says it ran; -1 where it does not say.
type counts struct {
	Checks    int // checks run, skipped ones excluded; pytest: tests run
	Scenarios int // harness: scenarios, skipped included; pytest: tests
	Skipped   int // scenarios or tests skipped
}

// timedRun runs argv in dir and measures it. Only a failure to start is an
// error: a suite that runs and fails is measured all the same.
func timedRun(ctx context.Context, dir string, env []string, argv ...string) (suiteRun, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		return suiteRun{}, fmt.Errorf("run %s: %w", argv[0], err)
	}
	return suiteRun{
		Wall: wall, CPU: cpuTime(cmd.ProcessState), PeakRSS: maxRSS(cmd.ProcessState),
		Exit: exitCode(err), Output: out.String(),
	}, nil
}

// repeated runs the same suite n times and returns the run of median wall
// time, with the highest peak memory of all runs.
func repeated(ctx context.Context, n int, parse func(string) counts, dir string, env []string,
	argv ...string) (suiteRun, error) {
	runs := make([]suiteRun, 0, n)
	var peak int64
	for range n {
		r, err := timedRun(ctx, dir, env, argv...)
		if err != nil {
			return suiteRun{}, err
		}
		r.Counts = parse(r.Output)
		peak = max(peak, r.PeakRSS)
		runs = append(runs, r)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Wall < runs[j].Wall })
	med := runs[len(runs)/2]
	med.PeakRSS = peak
	return med, nil
}

var (
	// godog's closing line: "15 scenarios (14 passed, 1 skipped)".
	godogScenarios = regexp.MustCompile(`(?m)^(\d+) scenarios? \(([^)]*)\)`)
	skippedPart    = regexp.MustCompile(`(\d+) skipped`)
	// the last row of the harness summary's table: "all  77  0  2  6  85"
	// under "SEVERITY PASSED FAILED WARNING SKIPPED TOTAL".
	harnessAll = regexp.MustCompile(`(?m)^\s*all\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$`)
	// a waiting check's announcement: "harness: E01 …: waiting 8s", after
	// any progress dots on the same line.
	harnessWait = regexp.MustCompile(`(?m)harness: [^\n]*?: waiting ([0-9a-z.]+)$`)
	// pytest's closing line: "4 passed in 0.41s" or "3 passed, 1 failed in …".
	pytestTotals = regexp.MustCompile(`(?m)^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+s`)
	pytestPart   = regexp.MustCompile(`(\d+) (\w+)`)
)

// parseHarness reads the counts from the output of "harness run".
func parseHarness(out string) counts {
	c := counts{Checks: -1, Scenarios: -1, Skipped: -1}
	if m := godogScenarios.FindStringSubmatch(out); m != nil {
		c.Scenarios, _ = strconv.Atoi(m[1])
		c.Skipped = 0
		if s := skippedPart.FindStringSubmatch(m[2]); s != nil {
			c.Skipped, _ = strconv.Atoi(s[1])
		}
	}
	if m := harnessAll.FindStringSubmatch(out); m != nil {
		skipped, _ := strconv.Atoi(m[4])
		total, _ := strconv.Atoi(m[5])
		c.Checks = total - skipped
	}
	return c
}

// longestWait returns the longest wait a harness run announced, 0 when
// none.
func longestWait(out string) time.Duration {
	var longest time.Duration
	for _, m := range harnessWait.FindAllStringSubmatch(out, -1) {
		if d, err := time.ParseDuration(m[1]); err == nil {
			longest = max(longest, d)
		}
	}
	return longest
}

// parsePytest reads the counts from pytest's closing line; each test is
// one check.
func parsePytest(out string) counts {
	c := counts{Checks: -1, Scenarios: -1, Skipped: -1}
	m := pytestTotals.FindStringSubmatch(out)
	if m == nil {
		return c
	}
	c.Scenarios, c.Skipped = 0, 0
	for _, p := range pytestPart.FindAllStringSubmatch(m[1], -1) {
		n, _ := strconv.Atoi(p[1])
		if p[2] != "deselected" {
			c.Scenarios += n
		}
		if p[2] == "skipped" {
			c.Skipped = n
		}
	}
	c.Checks = c.Scenarios - c.Skipped
	return c
}

// perCheck is the wall time per check run (skipped ones excluded), or 0
// when the count is unknown.
func (r suiteRun) perCheck() time.Duration {
	n := r.Counts.Checks
	if n <= 0 {
		return 0
	}
	return r.Wall / time.Duration(n)
}
