package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/authconform/authconform/harness/internal/runner"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

type htmlCheck struct {
	Check
	Label, Anchor, Severity, Name, Refs string
	// Note is Detail when it says more than the title, else empty.
	Note     string
	Symbol   string // the outcome as a symbol, for readers without colour
	Failures []htmlFailure
}

// outcomeSymbols mark each outcome in the matrix, so that it reads without
// colour; the page's legend says what each one means.
var outcomeSymbols = map[Outcome]string{
	Passed: "✓", Failed: "✗", Warning: "!", Waived: "~", Stale: "±",
	Skipped: "–", NotRun: "·", Pending: "…", Undefined: "?",
}

// htmlLegendEntry is one outcome in the matrix's legend.
type htmlLegendEntry struct {
	Outcome Outcome
	Symbol  string
}

type htmlFailure struct {
	runner.ScenarioResult
	// Summary is the exchange in one line; Transcript, if any, the
	// redacted request and response in full.
	Summary, Transcript string
}

type htmlMatrixRow struct {
	Area  string
	Cells [][]htmlCheck // one list per severity
}

type htmlPage struct {
	Run
	Failed     bool
	Outcomes   []Outcome
	CountRows  []countRow
	Severities []string
	Legend     []htmlLegendEntry
	Matrix     []htmlMatrixRow
	Checks     []htmlCheck
	Findings   []htmlCheck
}

// WriteHTML writes r as one self-contained HTML page: inline CSS, no
// script and no external asset, so it can be archived and mailed as is.
// Every value is escaped by html/template.
func WriteHTML(w io.Writer, r Run) error {
	page := htmlPage{Run: r, Failed: r.Failed(), Severities: severities[:len(severities):len(severities)]}
	for _, c := range r.Checks {
		if severity(c) == "-" {
			// A column for checks without a severity tag, only when there
			// are some.
			page.Severities = append(page.Severities, "-")
			break
		}
	}
	page.Outcomes, page.CountRows = countTable(r)
	for _, o := range outcomeOrder {
		if r.Count("", o) > 0 {
			page.Legend = append(page.Legend, htmlLegendEntry{Outcome: o, Symbol: outcomeSymbols[o]})
		}
	}
	areaIndex := map[string]int{}
	for i, c := range r.Checks {
		hc := newHTMLCheck(c, i)
		page.Checks = append(page.Checks, hc)
		if len(hc.Failures) > 0 || c.Waiver != "" {
			page.Findings = append(page.Findings, hc)
		}
		ai, ok := areaIndex[c.Area]
		if !ok {
			ai = len(page.Matrix)
			areaIndex[c.Area] = ai
			page.Matrix = append(page.Matrix, htmlMatrixRow{Area: c.Area, Cells: make([][]htmlCheck, len(page.Severities))})
		}
		col := len(page.Severities) - 1
		for j, s := range page.Severities {
			if s == hc.Severity {
				col = j
			}
		}
		page.Matrix[ai].Cells[col] = append(page.Matrix[ai].Cells[col], hc)
	}
	if err := htmlTemplate.Execute(w, page); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	return nil
}

func newHTMLCheck(c Check, i int) htmlCheck {
	hc := htmlCheck{
		Check: c, Label: c.CheckID, Anchor: "check-" + c.CheckID, Severity: severity(c),
		Name: c.Title(), Refs: strings.Join(c.Refs, ", "), Symbol: outcomeSymbols[c.Outcome],
	}
	if d := c.Detail(); d != hc.Name {
		hc.Note = d
	}
	if c.CheckID == "" {
		hc.Label, hc.Anchor = "-", fmt.Sprintf("scenario-%d", i)
	}
	for _, s := range c.Scenarios {
		if s.Verdict == runner.Failed || s.Verdict == runner.Undefined {
			f := htmlFailure{ScenarioResult: s}
			switch {
			case s.Exchange != nil:
				f.Summary, f.Transcript = s.Exchange.Summary(), s.Exchange.String()
			case s.Method != "":
				f.Summary = s.Request()
			}
			hc.Failures = append(hc.Failures, f)
		}
	}
	return hc
}
