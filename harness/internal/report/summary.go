// Package report renders the results of a run for people and machines.
package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/authconform/authconform/harness/internal/runner"
)

// WriteSummary writes one line per check (ID, severity, verdict and, for a
// failure, expected versus got and the RFC section), then the counts by
// severity and verdict.
func WriteSummary(w io.Writer, checks []runner.CheckResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSEVERITY\tVERDICT\tDETAIL")
	for _, c := range checks {
		id := c.CheckID
		if id == "" {
			id = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", id, orDash(c.Severity), verdictLabel(c), detail(c))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s\n", counts(checks))
	return err
}

// verdictLabel marks a failed advisory check as a warning: it does not fail
// the run (DESIGN.md, Verdicts).
func verdictLabel(c runner.CheckResult) string {
	if c.Verdict == runner.Failed && !c.Required() {
		return "warning"
	}
	return string(c.Verdict)
}

func detail(c runner.CheckResult) string {
	s, failed := c.FirstFailure()
	switch {
	case failed && s.Expected != "":
		d := fmt.Sprintf("%s %s: expected %s, got %s", s.Method, s.Path, s.Expected, s.Got)
		if len(c.Refs) > 0 {
			d += " (" + strings.Join(c.Refs, ", ") + ")"
		}
		return d
	case failed:
		return oneLine(s.Message)
	case c.Verdict == runner.Passed:
		return c.Scenarios[0].Name
	default:
		for _, s := range c.Scenarios {
			if s.Message != "" {
				return oneLine(s.Message)
			}
		}
		return c.Scenarios[0].Name
	}
}

// counts renders "checks: 11 (security 0, conformance 11, advisory 0);
// passed 9, failed 2".
func counts(checks []runner.CheckResult) string {
	bySeverity := map[string]int{}
	byVerdict := map[string]int{}
	for _, c := range checks {
		bySeverity[orDash(c.Severity)]++
		byVerdict[verdictLabel(c)]++
	}
	var sev, ver []string
	for _, s := range []string{runner.SeveritySecurity, runner.SeverityConformance, runner.SeverityAdvisory, "-"} {
		if n := bySeverity[s]; n > 0 || s != "-" {
			sev = append(sev, fmt.Sprintf("%s %d", s, n))
		}
	}
	for _, v := range []string{"passed", "failed", "warning", "skipped", "pending", "undefined"} {
		if n := byVerdict[v]; n > 0 || v == "passed" || v == "failed" {
			ver = append(ver, fmt.Sprintf("%s %d", v, n))
		}
	}
	return fmt.Sprintf("checks: %d (%s); %s", len(checks), strings.Join(sev, ", "), strings.Join(ver, ", "))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
