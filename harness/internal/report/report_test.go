package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/authconform/authconform/harness/internal/report"
	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/steps"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleRun has one check of every outcome.
func sampleRun() report.Run {
	sc := func(tags, name string, v runner.Verdict) runner.ScenarioResult {
		return runner.ScenarioResult{Meta: runner.ParseTags(strings.Fields(tags)), Name: name, URI: "token_endpoint.feature", Verdict: v}
	}
	failed := sc("@T02 @conformance @rfc6749-5.1", "T02 the token response must not be cached", runner.Failed)
	failed.Method, failed.Path, failed.Status = "POST", "/token", 200
	failed.Expected, failed.Got = `header "Cache-Control" with the directive "no-store"`, "no Cache-Control header"
	failed.Exchange = &steps.Exchange{
		Request: "POST /token HTTP/1.1",
		RequestHeader: http.Header{
			"Host": {"staging.example.com"}, "Content-Type": {"application/x-www-form-urlencoded"},
			"X-Api-Key": {"[secret fp:5e1f0c]"},
		},
		RequestBody: "grant_type=password&username=alice&password=[secret fp:1a2b3c]",
		Status:      200, StatusLine: "HTTP/1.1 200 OK",
		ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody:   `{"access_token":"eyJhbG…[jwt fp:9f8e7d]","token_type":"<b>Bearer</b>","note":"]]>"}`,
		Truncated:      1234,
	}
	waived := sc("@T06 @conformance @rfc6749-5.2", "T06 a wrong password is refused with invalid_grant", runner.Failed)
	waived.Method, waived.Path, waived.Status = "POST", "/token", 401
	waived.Expected, waived.Got = "status 400", "status 401"
	warn := sc("@T13 @advisory @rfc6749-4.3.2", "T13 a JSON body is refused", runner.Failed)
	warn.Message = "POST /token: <script>alert(1)</script> no response before the timeout"
	skipped := sc("@E02 @security @needs-key @rfc7519-4.1.4", "E02 an expired minted token is refused", runner.Skipped)
	skipped.Message = "@needs-key: no signing key in the profile"
	bearer := sc("@B01 @conformance @rfc6750-2.1", "B01 a valid access token opens the protected resource", runner.Passed)
	bearer.URI = "bearer_usage.feature"
	checks := runner.ByCheck([]runner.ScenarioResult{
		sc("@T01 @conformance @rfc6749-5.1", "T01 a password grant returns a bearer access token", runner.Passed),
		failed, waived, warn, skipped, bearer,
		sc("@T09 @conformance @rfc6749-5.2", "T09 an unknown grant type is unsupported", runner.Passed),
	})
	r := report.Build("https://staging.example.com", checks,
		report.Catalog{
			Areas:  map[string]string{"token_endpoint.feature": "Token endpoint", "bearer_usage.feature": "Bearer usage"},
			Titles: map[string]string{"T01": "a password grant returns a bearer access token"},
		},
		map[string]string{"T06": "the gateway answers 401; ticket OPS-12", "T09": "fixed in 2.3"})
	r.Seed = 42
	r.Warnings = []string{"TLS certificate verification is off (--insecure-skip-verify)"}
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func TestBuild_outcomes(t *testing.T) {
	r := sampleRun()
	want := map[string]report.Outcome{
		"T01": report.Passed, "T02": report.Failed, "T06": report.Waived, "T09": report.Stale,
		"T13": report.Warning, "E02": report.Skipped, "B01": report.Passed,
	}
	for _, c := range r.Checks {
		if c.Outcome != want[c.CheckID] {
			t.Errorf("%s: %s, want %s", c.CheckID, c.Outcome, want[c.CheckID])
		}
	}
	if !r.Failed() {
		t.Error("run with an unwaived conformance failure does not fail")
	}
	r.Checks = r.Checks[:0]
	if r.Failed() {
		t.Error("empty run fails")
	}
}

func TestWriteSummary_golden(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteSummary(&buf, sampleRun()); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden", buf.Bytes())
}

func TestWriteJUnit_golden(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteJUnit(&buf, sampleRun()); err != nil {
		t.Fatal(err)
	}
	// The transcript survives the XML round trip, a "]]>" in it included.
	var doc struct {
		Failures []string `xml:"testsuite>testcase>failure"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := sampleRun().Checks[1].Scenarios[0].Exchange.String()
	if len(doc.Failures) != 1 || doc.Failures[0] != want {
		t.Errorf("failure text %q, want the transcript %q", doc.Failures, want)
	}
	golden(t, "junit.golden.xml", buf.Bytes())
}

func TestWriteHTML_golden(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, sampleRun()); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, bad := range []string{"<script>", "src=", "href=\"http", "@import", "<link"} {
		if strings.Contains(html, bad) {
			t.Errorf("html report contains %q: not self-contained or not escaped", bad)
		}
	}
	for _, want := range []string{"<details><summary><code>POST /token HTTP/1.1 → 200</code></summary>",
		"X-Api-Key: [secret fp:5e1f0c]", "&lt;b&gt;Bearer&lt;/b&gt;", "…[1234 more bytes]",
		// The matrix reads without colour: a legend, and a symbol per cell.
		`Legend: <span class="o passed">✓ passed</span> <span class="o failed">✗ failed</span>`,
		`>✗ T02</a>`,
		// A failed row keeps the check's title next to the failure.
		`<td>T02</td><td>the token response must not be cached</td>`,
		"<dt>references</dt><dd>RFC 6749 §5.1</dd>"} {
		if !strings.Contains(html, want) {
			t.Errorf("html report lacks %q", want)
		}
	}
	for _, bad := range []string{"RFC RFC", "<th>-</th>"} {
		if strings.Contains(html, bad) {
			t.Errorf("html report contains %q", bad)
		}
	}
	golden(t, "report.golden.html", buf.Bytes())
}

func TestStampCucumber(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	src := `[{"name":"Token endpoint","description":"d","elements":[{"name":"T06 x","tags":[{"name":"@T06","line":3}]},{"name":"T01 y","tags":[{"name":"@T01","line":1}]}]}]`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := report.StampCucumber(path, sampleRun()); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Description string
		Elements    []struct{ Tags []struct{ Name string } }
	}
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got[0].Description, "WARNING: TLS") {
		t.Errorf("description %q lacks the warning", got[0].Description)
	}
	tags := got[0].Elements[0].Tags
	if len(tags) != 2 || tags[1].Name != "@waived" || len(got[0].Elements[1].Tags) != 1 {
		t.Errorf("tags = %+v, want @waived on T06 only", got[0].Elements)
	}
}

// TestReports_notRun checks that a check the run did not execute is
// listed as "not run" with the reason in the summary and JUnit, and that
// the result line says the run is incomplete.
func TestReports_notRun(t *testing.T) {
	const reason = "--fail-fast: stopped after T02 failed"
	checks := []runner.CheckResult{
		{Meta: runner.Meta{CheckID: "T02", Severity: "security"}, Verdict: runner.Failed,
			Scenarios: []runner.ScenarioResult{{Name: "T02 x", Verdict: runner.Failed, Message: "boom"}}},
		{Meta: runner.Meta{CheckID: "T03", Severity: "security"}, Verdict: runner.NotRun,
			Scenarios: []runner.ScenarioResult{{Name: "T03 y", Verdict: runner.NotRun, Message: reason}}},
	}
	r := report.Build("http://t", checks, report.Catalog{}, nil)
	r.Stopped = reason
	var sum, junit bytes.Buffer
	if err := report.WriteSummary(&sum, r); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteJUnit(&junit, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"T03    security  not run  " + reason, "RESULT: FAILED: 1 required check(s) failed (T02); 1 check(s) not run (" + reason + ")"} {
		if !strings.Contains(sum.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sum.String())
		}
	}
	if want := `<skipped message="not run: ` + reason + `">`; !strings.Contains(junit.String(), want) {
		t.Errorf("junit lacks %q:\n%s", want, junit.String())
	}
}

// TestReports_noVerdict checks that a run with no verdict still yields
// every report, each saying why.
func TestReports_noVerdict(t *testing.T) {
	r := report.Run{Target: "http://t", NoVerdict: "no verdict possible against http://t: connection refused"}
	var junit, html bytes.Buffer
	if err := report.WriteJUnit(&junit, r); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`tests="1"`, `errors="1"`, `<testcase name="preflight"`, `<error message="no verdict possible against http://t: connection refused"`} {
		if !strings.Contains(junit.String(), want) {
			t.Errorf("junit lacks %q:\n%s", want, junit.String())
		}
	}
	if !strings.Contains(html.String(), "NO VERDICT: no verdict possible") {
		t.Errorf("html does not say why:\n%s", html.String())
	}
	path := filepath.Join(t.TempDir(), "c.json")
	if err := report.WriteEmptyCucumber(path); err != nil {
		t.Fatal(err)
	}
	var v []any
	if data, err := os.ReadFile(path); err != nil || json.Unmarshal(data, &v) != nil || v == nil || len(v) != 0 {
		t.Errorf("cucumber report is not an empty array: %q, %v", data, err)
	}
}

// TestCheck_titleOfOutline checks that outline titles lose their
// placeholders and count their rows.
func TestCheck_titleOfOutline(t *testing.T) {
	tests := []struct {
		name, title string
		rows        int
		want        string
	}{
		{name: "quoted", title: `an unsigned token with alg "<alg>" is refused`, rows: 4, want: "an unsigned token is refused (4 variants)"},
		{name: "bare", title: "a password grant without <parameter> is invalid", rows: 3, want: "a password grant without a parameter is invalid (3 variants)"},
		{name: "group", title: "a psychic signature is refused (<alg>, <form>)", rows: 2, want: "a psychic signature is refused (2 variants)"},
		{name: "plain", title: "a token is refused", rows: 2, want: "a token is refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runner.CheckResult{Meta: runner.Meta{CheckID: "F04"}, Verdict: runner.Passed}
			for range tt.rows {
				c.Scenarios = append(c.Scenarios, runner.ScenarioResult{Name: "F04 x", Verdict: runner.Passed})
			}
			r := report.Build("", []runner.CheckResult{c}, report.Catalog{Titles: map[string]string{"F04": tt.title}}, nil)
			if got := r.Checks[0].Title(); got != tt.want {
				t.Errorf("Title() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDetail_signingKeyHint checks that a failed F23 points at the
// signing key rather than at the target alone.
func TestDetail_signingKeyHint(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		verdict runner.Verdict
		want    bool
	}{
		{name: "F23 failed", id: "F23", verdict: runner.Failed, want: true},
		{name: "F23 passed", id: "F23", verdict: runner.Passed, want: false},
		{name: "another check failed", id: "F01", verdict: runner.Failed, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runner.CheckResult{Meta: runner.Meta{CheckID: tt.id, Severity: "conformance"}, Verdict: tt.verdict,
				Scenarios: []runner.ScenarioResult{{Name: tt.id + " x", Verdict: tt.verdict, Expected: "status 200", Got: "status 401", Method: "GET", Path: "/secure-data", Status: 401}}}
			r := report.Build("", []runner.CheckResult{c}, report.Catalog{}, nil)
			if got := strings.Contains(r.Checks[0].Detail(), "is the signing key right?"); got != tt.want {
				t.Errorf("hint shown = %v, want %v: %s", got, tt.want, r.Checks[0].Detail())
			}
		})
	}
}

// TestWriteHTML_severityColumnOnlyWhenNeeded checks that the matrix has a
// "-" column only when some check has no severity tag.
func TestWriteHTML_severityColumnOnlyWhenNeeded(t *testing.T) {
	tests := []struct {
		name     string
		severity string
		wantDash bool
	}{
		{name: "every check has a severity", severity: "security", wantDash: false},
		{name: "a check without one", severity: "", wantDash: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checks := []runner.CheckResult{{Meta: runner.Meta{CheckID: "T02", Severity: tt.severity}, Verdict: runner.Passed,
				Scenarios: []runner.ScenarioResult{{Name: "T02 x", Verdict: runner.Passed}}}}
			var buf bytes.Buffer
			if err := report.WriteHTML(&buf, report.Build("http://t", checks, report.Catalog{}, nil)); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(buf.String(), "<th>-</th>"); got != tt.wantDash {
				t.Errorf("a \"-\" column: %v, want %v", got, tt.wantDash)
			}
		})
	}
}

// TestWriteJUnit_severalScenarios checks that a check of several
// scenarios is one test case named by its check title, as the summary and
// HTML report name it, whichever scenario finished first; each scenario's
// own variant is listed, and a failure says which variant failed.
func TestWriteJUnit_severalScenarios(t *testing.T) {
	sc := func(name string, v runner.Verdict) runner.ScenarioResult {
		return runner.ScenarioResult{Meta: runner.ParseTags([]string{"@D09", "@conformance"}), Name: name, URI: "discovery.feature", Verdict: v}
	}
	failed := sc("D09 introspection says a revoked token is not active", runner.Failed)
	failed.Expected, failed.Got = "active false", "active true"
	checks := runner.ByCheck([]runner.ScenarioResult{
		sc("D09 introspection needs the caller to authenticate", runner.Passed),
		failed,
		sc("D09 introspection says an issued access token is active", runner.Passed),
	})
	r := report.Build("https://t", checks,
		report.Catalog{Areas: map[string]string{"discovery.feature": "Discovery"},
			Titles: map[string]string{"D09": "introspection says an issued access token is active"}}, nil)
	var buf bytes.Buffer
	if err := report.WriteJUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 1 {
		t.Fatalf("want one test case:\n%s", buf.String())
	}
	tc := doc.Suites[0].Cases[0]
	if want := "D09 " + r.Checks[0].Title(); tc.Name != want {
		t.Errorf("test case %q, want the summary's title %q", tc.Name, want)
	}
	if want := `variant "introspection says a revoked token is not active": expected active false`; !strings.HasPrefix(tc.Failure.Message, want) {
		t.Errorf("failure message %q, want it to start with %q", tc.Failure.Message, want)
	}
	wantOut := "variant \"introspection needs the caller to authenticate\": passed\n" +
		"variant \"introspection says a revoked token is not active\": failed\n" +
		"variant \"introspection says an issued access token is active\": passed"
	if tc.SystemOut != wantOut {
		t.Errorf("system-out %q, want %q", tc.SystemOut, wantOut)
	}
}

// TestReports_countRowsAddUp checks that in the summary and the HTML
// report, the count table's rows above "all" add up to it, cell by cell,
// when some checks have no severity tag (a team's --features scenarios):
// they get a "-" row of their own.
func TestReports_countRowsAddUp(t *testing.T) {
	tests := []struct {
		name     string
		severity []string // one check per entry, passed if even, failed if odd
		wantDash bool
	}{
		{name: "every check has a severity", severity: []string{"security", "conformance", "advisory"}, wantDash: false},
		{name: "some checks without one", severity: []string{"security", "", "conformance", ""}, wantDash: true},
		{name: "no check has one", severity: []string{"", ""}, wantDash: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var checks []runner.CheckResult
			for i, sev := range tt.severity {
				v := runner.Passed
				if i%2 == 1 {
					v = runner.Failed
				}
				id := fmt.Sprintf("X%02d", i)
				checks = append(checks, runner.CheckResult{Meta: runner.Meta{CheckID: id, Severity: sev}, Verdict: v,
					Scenarios: []runner.ScenarioResult{{Name: id + " x", Verdict: v}}})
			}
			r := report.Build("http://t", checks, report.Catalog{}, nil)
			var sum, html bytes.Buffer
			if err := report.WriteSummary(&sum, r); err != nil {
				t.Fatal(err)
			}
			if err := report.WriteHTML(&html, r); err != nil {
				t.Fatal(err)
			}
			reports := map[string]map[string][]int{
				"summary": summaryCounts(t, sum.String()),
				"html":    htmlCounts(t, html.String()),
			}
			for name, rows := range reports {
				if _, ok := rows["-"]; ok != tt.wantDash {
					t.Errorf("%s: a \"-\" row: %v, want %v: %v", name, ok, tt.wantDash, rows)
				}
				all, ok := rows["all"]
				if !ok {
					t.Fatalf("%s: no \"all\" row: %v", name, rows)
				}
				if got := all[len(all)-1]; got != len(checks) {
					t.Errorf("%s: all total %d, want %d", name, got, len(checks))
				}
				sum := make([]int, len(all))
				for sev, cells := range rows {
					if sev == "all" {
						continue
					}
					if len(cells) != len(all) {
						t.Fatalf("%s: row %q has %d cells, \"all\" %d", name, sev, len(cells), len(all))
					}
					for i, n := range cells {
						sum[i] += n
					}
				}
				if !slices.Equal(sum, all) {
					t.Errorf("%s: rows add up to %v, \"all\" is %v", name, sum, all)
				}
			}
		})
	}
}

// summaryCounts reads the summary's count table: the numbers of each row,
// by the row's name.
func summaryCounts(t *testing.T, summary string) map[string][]int {
	t.Helper()
	rows := map[string][]int{}
	in := false
	for line := range strings.Lines(summary) {
		fields := strings.Fields(line)
		switch {
		case len(fields) > 0 && fields[0] == "SEVERITY":
			in = true
		case in && len(fields) == 0:
			return rows
		case in:
			rows[fields[0]] = atois(t, fields[1:])
		}
	}
	return rows
}

var htmlCountRow = regexp.MustCompile(`<tr><td>([^<]*)</td>((?:<td>\d+</td>)+)</tr>`)

// htmlCounts reads the HTML report's count table: the numbers of each row,
// by the row's name.
func htmlCounts(t *testing.T, html string) map[string][]int {
	t.Helper()
	start := strings.Index(html, "<h2>Counts</h2>")
	end := strings.Index(html, "<h2>Checks by area")
	if start < 0 || end < start {
		t.Fatalf("html report has no count table:\n%s", html)
	}
	rows := map[string][]int{}
	for _, m := range htmlCountRow.FindAllStringSubmatch(html[start:end], -1) {
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(m[2], "<td>"), "</td>"), "</td><td>")
		rows[m[1]] = atois(t, cells)
	}
	return rows
}

func atois(t *testing.T, ss []string) []int {
	t.Helper()
	var ns []int
	for _, s := range ss {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("count %q: %v", s, err)
		}
		ns = append(ns, n)
	}
	return ns
}
