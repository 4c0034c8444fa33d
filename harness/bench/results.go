package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// results is everything one run measured.
type results struct {
	machine machine
	cfg     config

	harnessDefault  suiteRun      // waiting scenarios excluded
	harnessSerial   suiteRun      // the same at --concurrency 1
	harnessExternal *suiteRun     // default, against a separate reference server
	harnessWaitBase *suiteRun     // waiting excluded, short-lived tokens; nil without waiting scenarios
	harnessWithWait *suiteRun     // the same with them; nil when there are none
	longestWait     time.Duration // the longest wait the waiting run announced
	waitScenarios   int           // scenarios tagged @needs-wait in features/
	pytest          *suiteRun     // nil when not measured

	servers []serverResult
	goBench string
	notes   []string
}

// serverResult is one server process: its loads and its peak memory.
type serverResult struct {
	name    string
	peakRSS int64
	rows    []loadRow
}

// loadRow is one load of one request on one server.
type loadRow struct {
	request string
	res     loadResult
}

func (r *results) note(s string) { r.notes = append(r.notes, s) }

func (r *results) addServer(name string, peakRSS int64, rows []loadRow) {
	r.servers = append(r.servers, serverResult{name: name, peakRSS: peakRSS, rows: rows})
	for _, row := range rows {
		if !row.res.ok() {
			r.note(fmt.Sprintf("%s, %s: %.1f%% of responses as expected; errors: %s",
				name, row.request, 100*row.res.Success, strings.Join(row.res.Errors, "; ")))
		}
	}
}

// load returns the measured load of request on the server named name.
func (r *results) load(name, request string) (loadResult, bool) {
	for _, s := range r.servers {
		if s.name != name {
			continue
		}
		for _, row := range s.rows {
			if row.request == request {
				return row.res, true
			}
		}
	}
	return loadResult{}, false
}

func (r *results) server(name string) (serverResult, bool) {
	for _, s := range r.servers {
		if s.name == name {
			return s, true
		}
	}
	return serverResult{}, false
}

// machine describes where the figures were measured.
type machine struct {
	CPU    string
	Cores  int
	Memory string
	Kernel string
	Go     string
	Date   time.Time
}

func describeMachine() machine {
	m := machine{
		CPU: "unknown", Cores: runtime.NumCPU(), Memory: "unknown", Kernel: "unknown",
		Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, Date: time.Now().UTC(),
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = procField(string(b), "model name", m.CPU)
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.Memory = procField(string(b), "MemTotal", m.Memory)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc
// file, or fallback.
func procField(text, key, fallback string) string {
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return fallback
}

// table is a grid rendered as markdown for the results file and as aligned
// text for stdout.
type table struct {
	header []string
	rows   [][]string
}

func (t table) markdown() string {
	var b strings.Builder
	b.WriteString("| " + strings.Join(t.header, " | ") + " |\n|")
	for range t.header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, row := range t.rows {
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	return b.String()
}

func (t table) text() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  "+strings.Join(t.header, "\t"))
	for _, row := range t.rows {
		fmt.Fprintln(tw, "  "+strings.Join(row, "\t"))
	}
	tw.Flush()
	return b.String()
}

func ms(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

func us(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d >= 10*time.Millisecond:
		return ms(d)
	default:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	}
}

func mb(bytes int64) string {
	if bytes <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MB", float64(bytes)/1e6)
}

func count(n int) string {
	if n < 0 {
		return "?"
	}
	return fmt.Sprint(n)
}

func ratio(x float64) string { return fmt.Sprintf("%.2f×", x) }
