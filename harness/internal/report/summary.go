// Package report renders the results of a run for people and machines: a
// summary table for the terminal, JUnit XML, a self-contained HTML page,
// and a stamp on godog's Cucumber JSON.
package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/authconform/authconform/harness/internal/runner"
)

var severities = []string{runner.SeveritySecurity, runner.SeverityConformance, runner.SeverityAdvisory}

// WriteSummary writes the run's warnings, one line per check (ID,
// severity, verdict, detail), the counts by severity and verdict, then the
// result and its reason in one line.
func WriteSummary(w io.Writer, r Run) error {
	for _, warn := range r.Warnings {
		fmt.Fprintln(w, "WARNING:", warn)
	}
	if r.NoVerdict != "" {
		_, err := fmt.Fprintln(w, r.Outcome())
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSEVERITY\tVERDICT\tDETAIL")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", orDash(c.CheckID), severity(c), c.Outcome, c.Detail())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if err := writeCounts(w, r); err != nil {
		return err
	}
	fmt.Fprintln(w)
	_, err := fmt.Fprintln(w, "RESULT:", r.Outcome())
	return err
}

// writeCounts writes a severity by outcome table; outcomes no check has
// are left out, except passed and failed.
func writeCounts(w io.Writer, r Run) error {
	var cols []Outcome
	for _, o := range outcomeOrder {
		if o == Passed || o == Failed || r.Count("", o) > 0 {
			cols = append(cols, o)
		}
	}
	rows := severities
	if r.countSeverity("-") > 0 {
		rows = append(append([]string(nil), rows...), "-")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := []string{"SEVERITY"}
	for _, o := range cols {
		header = append(header, strings.ToUpper(string(o)))
	}
	fmt.Fprintln(tw, strings.Join(append(header, "TOTAL"), "\t")+"\t")
	for _, sev := range append(rows, "") {
		name := sev
		if sev == "" {
			name = "all"
		}
		line := []string{name}
		for _, o := range cols {
			line = append(line, fmt.Sprint(r.Count(sev, o)))
		}
		line = append(line, fmt.Sprint(r.countSeverity(sev)))
		fmt.Fprintln(tw, strings.Join(line, "\t")+"\t")
	}
	return tw.Flush()
}

func (r Run) countSeverity(sev string) int {
	n := 0
	for _, c := range r.Checks {
		if sev == "" || severity(c) == sev {
			n++
		}
	}
	return n
}
