package report

// countRow is one row of the count table: the checks of one severity
// ("all" for every check), how many have each outcome, and how many there
// are.
type countRow struct {
	Name  string
	Cells []int // one per column of countTable, in its order
	Total int
}

// countTable is the severity by outcome table that the summary and the
// HTML report both show. Its columns are the outcomes some check has, plus
// passed and failed always. Its rows are the severities, then "-" when some
// check has no severity tag, then "all"; so every check is counted in
// exactly one row above "all", and those rows add up to it.
func countTable(r Run) (cols []Outcome, rows []countRow) {
	for _, o := range outcomeOrder {
		if o == Passed || o == Failed || r.Count("", o) > 0 {
			cols = append(cols, o)
		}
	}
	sevs := append([]string(nil), severities...)
	if r.countSeverity("-") > 0 {
		sevs = append(sevs, "-")
	}
	for _, sev := range append(sevs, "") {
		row := countRow{Name: sev, Total: r.countSeverity(sev)}
		if sev == "" {
			row.Name = "all"
		}
		for _, o := range cols {
			row.Cells = append(row.Cells, r.Count(sev, o))
		}
		rows = append(rows, row)
	}
	return cols, rows
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
