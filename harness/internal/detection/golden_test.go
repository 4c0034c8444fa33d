package detection_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/reference-server/server"
)

// The golden table, and the README section that includes it.
const (
	goldenPath  = "testdata/table.md"
	readmePath  = "../../../README.md"
	readmeBegin = "<!-- detection-table:begin (go test ./harness/internal/detection -detect.all -update) -->\n"
	readmeEnd   = "<!-- detection-table:end -->\n"
	scorePrefix = "**Score** (`make detect`): "
)

// families in the order of CHECKS.md, for the table's order.
var families = []string{
	familySignature, familyKeys, familyTime, familyClaims, familyChallenges,
	familyTransport, familyRobustness, familyToken, familyRefresh, familyRevocation,
}

// renderTable is the detection table in Markdown: one row per fault with
// its family, the config that makes it observable and the checks it must
// make fail, then the checks no fault makes fail, then the score.
func renderTable(checkIDs []string, score string) string {
	var b strings.Builder
	b.WriteString("| fault | family | options | checks that must fail |\n|---|---|---|---|\n")
	exercised := map[string]bool{}
	for _, fam := range families {
		for _, f := range server.Faults() {
			r := table[f.Name]
			if r.family != fam {
				continue
			}
			checks := strings.Join(f.Checks, ", ")
			if r.noVerdict {
				checks = "preflight refuses the target (exit 3); " + checks
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Name, r.family, r.cfg, checks)
			for _, id := range f.Checks {
				exercised[id] = true
			}
		}
	}
	var idle []string
	for _, id := range checkIDs {
		if !exercised[id] {
			idle = append(idle, id)
		}
	}
	fmt.Fprintf(&b, "\n%d faults; %d of the suite's %d checks are made to fail by at least one. "+
		"No fault targets %s.\n\n", len(server.Faults()), len(checkIDs)-len(idle), len(checkIDs),
		strings.Join(idle, ", "))
	b.WriteString(scorePrefix + score + ".\n")
	return b.String()
}

// checkGolden compares the table with testdata/table.md and the README's
// section, or rewrites both with -update. Without -detect.all the score
// line is not compared: only the full run measures it.
func checkGolden(t *testing.T, checkIDs []string, score string) {
	t.Helper()
	got := renderTable(checkIDs, score)
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := bytes.Index(readme, []byte(readmeBegin)), bytes.Index(readme, []byte(readmeEnd))
	if begin < 0 || end < begin {
		t.Fatalf("%s: no section between %q and %q", readmePath, readmeBegin, readmeEnd)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		spliced := slices.Concat(readme[:begin+len(readmeBegin)], []byte(got), readme[end:])
		if err := os.WriteFile(readmePath, spliced, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantBytes, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	want := string(wantBytes)
	if string(readme[begin+len(readmeBegin):end]) != want {
		t.Errorf("the README's detection table differs from %s: run make detect-update", goldenPath)
	}
	if !*all {
		got, want = withoutScore(got), withoutScore(want)
	}
	if got != want {
		t.Errorf("%s is out of date: run make detect-update\ngot:\n%s", goldenPath, got)
	}
}

func withoutScore(s string) string {
	if i := strings.Index(s, scorePrefix); i >= 0 {
		return s[:i]
	}
	return s
}
