package main

import (
	"fmt"
	"strings"
	"time"
)

// Names of the rows the goals compare.
const (
	nameCeiling   = "bare net/http (ceiling)"
	nameReference = "reference server"
	nameFastAPI   = "FastAPI tutorial"
	reqSecureData = "GET /secure-data"
	reqCeiling    = "GET /secure-data (no auth)"
	reqToken      = "POST /token"
)

// suiteTable lists the suite runs.
func (r *results) suiteTable() table {
	t := table{header: []string{"suite", "wall", "CPU", "peak RSS", "exit", "scenarios (skipped)", "checks run", "wall per check"}}
	add := func(name string, s suiteRun) {
		t.rows = append(t.rows, []string{name, ms(s.Wall), ms(s.CPU), mb(s.PeakRSS), fmt.Sprint(s.Exit),
			fmt.Sprintf("%s (%s)", count(s.Counts.Scenarios), count(s.Counts.Skipped)),
			count(s.Counts.Checks), ms(s.perCheck())})
	}
	add("harness, default concurrency", r.harnessDefault)
	add("harness, --concurrency 1", r.harnessSerial)
	if r.harnessExternal != nil {
		add("harness alone, against a running reference server (bcrypt cost "+lowBcryptCost+")", *r.harnessExternal)
	}
	if r.harnessWaitBase != nil {
		add("harness, tokens of "+waitLifetime+", waiting excluded", *r.harnessWaitBase)
	}
	if r.harnessWithWait != nil {
		add("harness, tokens of "+waitLifetime+", waiting included (--max-wait "+maxWait+")", *r.harnessWithWait)
	}
	if r.pytest != nil {
		add("FastAPI tutorial's pytest + httpx", *r.pytest)
	}
	return t
}

// loadTable lists the server loads.
func (r *results) loadTable() table {
	t := table{header: []string{"server", "request", "req/s", "p50", "p99", "ok", "server CPU/req", "server peak RSS"}}
	for _, s := range r.servers {
		for i, row := range s.rows {
			rss := ""
			if i == 0 {
				rss = mb(s.peakRSS)
			}
			t.rows = append(t.rows, []string{s.name, row.request, fmt.Sprintf("%.0f", row.res.RPS),
				ms(row.res.P50), ms(row.res.P99), fmt.Sprintf("%.1f%%", 100*row.res.Success),
				us(row.res.ServerCPU), rss})
		}
	}
	return t
}

// goal is one goal of issue 7 beside what this run measured.
type goal struct {
	name, target, measured string
	met                    *bool // nil: not measured in this run
}

func verdict(met *bool) string {
	switch {
	case met == nil:
		return "not measured"
	case *met:
		return "met"
	default:
		return "NOT MET"
	}
}

func boolp(b bool) *bool { return &b }

// goals evaluates the goals of issue 7 on this run's figures.
func (r *results) goals() []goal {
	var gs []goal
	d := r.harnessDefault
	gs = append(gs, goal{
		name:   fmt.Sprintf("default suite wall, waiting excluded (%d cores)", r.machine.Cores),
		target: "≤ 3 s", measured: ms(d.Wall), met: boolp(d.Wall > 0 && d.Wall <= 3*time.Second),
	})

	g := goal{name: "cost per check: pytest ÷ harness (wall)", target: "≥ 10×", measured: "–"}
	if r.pytest != nil && r.pytest.perCheck() > 0 && d.perCheck() > 0 {
		x := float64(r.pytest.perCheck()) / float64(d.perCheck())
		g.measured = fmt.Sprintf("%s (%s vs %s)", ratio(x), ms(r.pytest.perCheck()), ms(d.perCheck()))
		g.met = boolp(x >= 10)
	}
	gs = append(gs, g)

	g = goal{name: "added wall of waiting scenarios", target: "≤ longest wait + 1 s", measured: "no @needs-wait scenario"}
	if w, base := r.harnessWithWait, r.harnessWaitBase; w != nil && base != nil {
		added := w.Wall - base.Wall
		g.measured = fmt.Sprintf("%s for %d scenarios (%s vs %s); longest wait %s",
			ms(added), r.waitScenarios, ms(w.Wall), ms(base.Wall), ms(r.longestWait))
		switch {
		case r.longestWait == 0:
			g.measured += "; no wait announced (skipped?)"
		case w.Exit != 0:
			g.measured += fmt.Sprintf("; exit %d", w.Exit)
		default:
			g.met = boolp(added <= r.longestWait+time.Second)
		}
	}
	gs = append(gs, g)

	ref, okRef := r.load(nameReference, reqSecureData)
	ceil, okCeil := r.load(nameCeiling, reqCeiling)
	fast, okFast := r.load(nameFastAPI, reqSecureData)
	g = goal{name: "GET /secure-data: reference ÷ bare handler, req/s", target: "≥ 75%", measured: "–"}
	if okRef && okCeil && ceil.RPS > 0 {
		x := ref.RPS / ceil.RPS
		g.measured = fmt.Sprintf("%.0f%% (%.0f vs %.0f req/s; server CPU/req %s vs %s)",
			100*x, ref.RPS, ceil.RPS, us(ref.ServerCPU), us(ceil.ServerCPU))
		g.met = boolp(x >= 0.75)
	}
	gs = append(gs, g)

	g = goal{name: "GET /secure-data: reference ÷ FastAPI, req/s", target: "≥ 10×", measured: "–"}
	if okRef && okFast && fast.RPS > 0 {
		x := ref.RPS / fast.RPS
		g.measured = fmt.Sprintf("%s (%.0f vs %.0f req/s; server CPU/req %s vs %s)",
			ratio(x), ref.RPS, fast.RPS, us(ref.ServerCPU), us(fast.ServerCPU))
		g.met = boolp(x >= 10)
	}
	gs = append(gs, g)

	g = goal{name: "GET /secure-data: p99 reference ÷ bare handler", target: "≤ 2×", measured: "–"}
	if okRef && okCeil && ceil.P99 > 0 {
		x := float64(ref.P99) / float64(ceil.P99)
		g.measured = fmt.Sprintf("%s (%s vs %s)", ratio(x), ms(ref.P99), ms(ceil.P99))
		g.met = boolp(x <= 2)
	}
	gs = append(gs, g)

	peak := max(d.PeakRSS, r.harnessSerial.PeakRSS)
	gs = append(gs, goal{name: "harness peak memory (embedded server included)", target: "< 100 MB",
		measured: mb(peak), met: boolp(peak > 0 && peak < 100e6)})

	g = goal{name: "reference server peak memory under load", target: "< 50 MB", measured: "–"}
	if s, ok := r.server(nameReference); ok && s.peakRSS > 0 {
		g.measured, g.met = mb(s.peakRSS), boolp(s.peakRSS < 50e6)
	}
	return append(gs, g)
}

func (r *results) goalTable() table {
	t := table{header: []string{"goal", "target", "measured", "verdict"}}
	for _, g := range r.goals() {
		t.rows = append(t.rows, []string{g.name, g.target, g.measured, verdict(g.met)})
	}
	return t
}

func (r *results) machineLine() string {
	m := r.machine
	return fmt.Sprintf("%s, %d cores, %s RAM, %s, %s, %s", m.CPU, m.Cores, m.Memory, m.Kernel, m.Go,
		m.Date.Format("2006-01-02 15:04 MST"))
}

func (r *results) loadLine() string {
	return fmt.Sprintf("closed loop, %d keep-alive connections, %s each after a %s warm-up, "+
		"load generator (vegeta) on the same machine", r.cfg.conns, r.cfg.duration, warmUp)
}

// text is the short report printed to stdout.
func (r *results) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nauthconform bench on %s\n\nsuites (median of %d runs; peak RSS is the highest):\n%s",
		r.machineLine(), r.cfg.reps, r.suiteTable().text())
	fmt.Fprintf(&b, "\nserver loads (%s):\n%s", r.loadLine(), r.loadTable().text())
	fmt.Fprintf(&b, "\ngoals (issue 7):\n%s", r.goalTable().text())
	for _, n := range r.notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}

// markdown is the results file.
func (r *results) markdown() string {
	var b strings.Builder
	b.WriteString("# Benchmark results\n\n")
	b.WriteString("Written by `make bench` (harness/bench); do not edit by hand. Every ratio\n")
	b.WriteString("below comes from this one run: the machine is shared and noisy, so\n")
	b.WriteString("absolute figures of different runs do not compare.\n\n")
	fmt.Fprintf(&b, "**Machine:** %s\n\n", r.machineLine())
	b.WriteString("## Goals\n\n" + r.goalTable().markdown())
	fmt.Fprintf(&b, "\n## Suites\n\nThe harness binary against its embedded reference server, "+
		"`--tags '~@needs-wait'`; the median of %d runs, peak RSS the highest of them. "+
		"Wall and CPU are the whole process's, start-up included.\n\n", r.cfg.reps)
	b.WriteString(r.suiteTable().markdown())
	fmt.Fprintf(&b, "\n## Server loads\n\n%s; `ok` is the share of 2xx responses.\n\n", r.loadLine())
	b.WriteString(r.loadTable().markdown())
	if len(r.notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range r.notes {
			b.WriteString("- " + n + "\n")
		}
	}
	if r.goBench != "" {
		fmt.Fprintf(&b, "\n## Go benchmarks\n\n`go test -run '^$' -bench . -benchmem -benchtime %s`\n\n```\n%s\n```\n",
			r.cfg.benchtime, r.goBench)
	}
	return b.String()
}
