package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/authconform/authconform/harness/internal/runner"
)

// JUnit XML as CI servers read it (the Jenkins/Surefire schema): one
// testsuite per area, one testcase per check.
type junitSuites struct {
	XMLName    xml.Name        `xml:"testsuites"`
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr,omitempty"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Suites     []junitSuite    `xml:"testsuite"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr,omitempty"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"` // CDATA keeps a transcript's lines readable
}

// WriteJUnit writes r as JUnit XML. A failed required check is a failure;
// a waived check and a skipped one are skipped, with the reason; a warning
// and a stale waiver pass, with a note in system-out. Warnings of the run
// are properties named "warning". A check that did not run is skipped with
// "not run: " and the reason. A run with no verdict is one errored test
// named "preflight".
func WriteJUnit(w io.Writer, r Run) error {
	doc := junitSuites{Name: "authconform"}
	doc.Properties = append(doc.Properties, junitProperty{Name: "target", Value: r.Target})
	if r.Seed != 0 {
		doc.Properties = append(doc.Properties, junitProperty{Name: "seed", Value: fmt.Sprint(r.Seed)})
	}
	for _, warn := range r.Warnings {
		doc.Properties = append(doc.Properties, junitProperty{Name: "warning", Value: "WARNING: " + warn})
	}
	if r.Stopped != "" {
		doc.Properties = append(doc.Properties, junitProperty{Name: "incomplete", Value: r.Outcome()})
	}
	if r.NoVerdict != "" {
		// CI's upload step expects a file: one errored test says why.
		doc.Properties = append(doc.Properties, junitProperty{Name: "result", Value: r.Outcome()})
		doc.Suites = []junitSuite{{Name: "authconform", Tests: 1, Errors: 1, Cases: []junitCase{{
			Name: "preflight", Classname: "authconform",
			Error: &junitMessage{Message: r.NoVerdict, Type: "no-verdict"},
		}}}}
	}
	index := map[string]int{}
	for _, c := range r.Checks {
		i, ok := index[c.Area]
		if !ok {
			i = len(doc.Suites)
			index[c.Area] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: c.Area})
		}
		s := &doc.Suites[i]
		tc := junitCase{Name: c.junitName(), Classname: c.Area}
		switch c.Outcome {
		case Failed, Undefined:
			msg := c.Detail()
			if f, ok := c.FirstFailure(); ok && len(c.Scenarios) > 1 {
				msg = "variant " + strconv.Quote(c.variant(f)) + ": " + msg
			}
			tc.Failure = &junitMessage{Message: msg, Type: severity(c), Text: c.Exchange()}
			s.Failures++
		case Waived, Skipped, Pending:
			tc.Skipped = &junitMessage{Message: c.Detail()}
			s.Skipped++
		case NotRun:
			tc.Skipped = &junitMessage{Message: "not run: " + c.Detail()}
			s.Skipped++
		case Warning, Stale:
			tc.SystemOut = string(c.Outcome) + ": " + c.Detail()
		}
		if v := c.variants(); v != "" {
			tc.SystemOut = strings.TrimPrefix(tc.SystemOut+"\n"+v, "\n")
		}
		s.Cases = append(s.Cases, tc)
		s.Tests++
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitName names a check's test case as the summary and the HTML report
// title it, "T05 the access token is made of visible ASCII characters",
// whichever of its scenarios finished first: the name stays the same from
// run to run, so CI can follow a check's history.
func (c Check) junitName() string {
	if c.CheckID == "" {
		return c.Title()
	}
	return c.CheckID + " " + c.Title()
}

// variant is a scenario's name without the check ID it starts with.
func (c Check) variant(s runner.ScenarioResult) string {
	return strings.TrimSpace(strings.TrimPrefix(s.Name, c.CheckID))
}

// variants lists, for a check of several scenarios, each scenario's own
// variant and verdict, one a line in name order; "" for one scenario.
func (c Check) variants() string {
	if len(c.Scenarios) < 2 {
		return ""
	}
	var lines []string
	for _, s := range c.Scenarios {
		lines = append(lines, fmt.Sprintf("variant %q: %s", c.variant(s), s.Verdict))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
