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

// writeCounts writes the count table of countTable: severity by outcome.
func writeCounts(w io.Writer, r Run) error {
	cols, rows := countTable(r)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := []string{"SEVERITY"}
	for _, o := range cols {
		header = append(header, strings.ToUpper(string(o)))
	}
	fmt.Fprintln(tw, strings.Join(append(header, "TOTAL"), "\t")+"\t")
	for _, row := range rows {
		line := []string{row.Name}
		for _, n := range row.Cells {
			line = append(line, fmt.Sprint(n))
		}
		line = append(line, fmt.Sprint(row.Total))
		fmt.Fprintln(tw, strings.Join(line, "\t")+"\t")
	}
	return tw.Flush()
}
