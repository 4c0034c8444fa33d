// Package runner runs feature files against a target through the steps
// package and collects one verdict per scenario.
package runner

import (
	"regexp"
	"sort"
	"strings"

	"github.com/authconform/authconform/steps"
)

// Verdict is the outcome of one scenario or check.
type Verdict string

// Verdicts of a scenario or check (see verdictRank for how a check's
// scenarios combine).
const (
	Passed  Verdict = "passed"
	Skipped Verdict = "skipped"
	// NotRun is a scenario the run did not execute: --fail-fast or an
	// interrupt cancelled it. Its Message says why.
	NotRun    Verdict = "not run"
	Pending   Verdict = "pending"
	Undefined Verdict = "undefined"
	Failed    Verdict = "failed"
)

// Severity tags of DESIGN.md.
const (
	SeveritySecurity    = "security"
	SeverityConformance = "conformance"
	SeverityAdvisory    = "advisory"
)

// checkIDPattern matches a check ID tag of CHECKS.md such as @T01.
var checkIDPattern = regexp.MustCompile(`^@([A-Z][0-9]{2})$`)

// refPattern matches a reference tag such as @rfc6749-5.1, and
// cvePattern one such as @cve-2022-21449.
var (
	refPattern = regexp.MustCompile(`^@rfc([0-9]+)-([0-9A-Za-z.]+)$`)
	cvePattern = regexp.MustCompile(`^@cve-([0-9]{4}-[0-9]+)$`)
)

// TagPractice marks a check that rests on good practice rather than on an
// RFC section (user enumeration, robustness, timing).
const TagPractice = "@practice"

// Meta is what a scenario's tags say about the check it implements.
type Meta struct {
	CheckID  string   // "T01"; "" for a scenario without one
	Severity string   // security, conformance or advisory; "" if untagged
	Needs    []string // capabilities, without the "needs-" prefix
	Refs     []string // "RFC 6749 §5.1"
}

// IsReference reports whether tag names the source a check rests on: an
// RFC section (@rfc6749-5.1), a CVE (@cve-2022-21449) or @practice.
func IsReference(tag string) bool {
	return refPattern.MatchString(tag) || cvePattern.MatchString(tag) || tag == TagPractice
}

// ParseTags reads a scenario's tags.
func ParseTags(tags []string) Meta {
	var m Meta
	for _, t := range tags {
		switch {
		case checkIDPattern.MatchString(t):
			m.CheckID = t[1:]
		case t == "@"+SeveritySecurity || t == "@"+SeverityConformance || t == "@"+SeverityAdvisory:
			m.Severity = t[1:]
		case strings.HasPrefix(t, "@needs-"):
			m.Needs = append(m.Needs, strings.TrimPrefix(t, "@needs-"))
		default:
			if sm := refPattern.FindStringSubmatch(t); sm != nil {
				m.Refs = append(m.Refs, "RFC "+sm[1]+" §"+sm[2])
			} else if sm := cvePattern.FindStringSubmatch(t); sm != nil {
				m.Refs = append(m.Refs, "CVE-"+sm[1])
			} else if t == TagPractice {
				m.Refs = append(m.Refs, "good practice (no RFC)")
			}
		}
	}
	return m
}

// Required reports whether a failure of the check fails the run: every
// severity but advisory (DESIGN.md, Verdicts).
func (m Meta) Required() bool { return m.Severity != SeverityAdvisory }

// ScenarioResult is the verdict of one scenario (one example row of an
// outline).
type ScenarioResult struct {
	Meta
	Name    string
	URI     string
	Verdict Verdict
	// Expected, Got, Method, Path and Status describe a failure found by
	// a check step; Message is the (redacted) error for any other failure
	// or the reason for a skip.
	Expected string
	Got      string
	Method   string
	Path     string
	Status   int
	Message  string
	// Exchange is the redacted request and response of a failure found by
	// a check step, nil if none shows it.
	Exchange *steps.Exchange
}

// Request names what a failure found by a check step is about, such as
// "GET /secure-data → 401", "GET /secure-data: no response (timeout after
// 10s)" or "offline (the access token's signature)"; see
// steps.RequestLine.
func (s ScenarioResult) Request() string {
	return steps.RequestLine(s.Method, s.Path, s.Status, s.Exchange)
}

// CheckResult is the verdict of one check over all its scenarios.
type CheckResult struct {
	Meta
	Verdict   Verdict
	Scenarios []ScenarioResult
}

// FirstFailure returns the first failed scenario of the check, if any.
func (c CheckResult) FirstFailure() (ScenarioResult, bool) {
	for _, s := range c.Scenarios {
		if s.Verdict == Failed {
			return s, true
		}
	}
	return ScenarioResult{}, false
}

var severityRank = map[string]int{SeverityAdvisory: 1, SeverityConformance: 2, SeveritySecurity: 3}

// verdictRank orders verdicts for a check with several scenarios: the
// check takes the highest rank among them. A skipped scenario ranks lowest,
// so a check is skipped only when every scenario was; one that passed and
// one that was skipped make a passed check (T05 on a JWT target). A pending
// or undefined scenario, or one a run cancelled (NotRun), outranks a pass,
// since part of the check never ran.
var verdictRank = map[Verdict]int{Skipped: 0, Passed: 1, NotRun: 2, Pending: 3, Undefined: 4, Failed: 5}

// ByCheck groups scenario results by check ID, in ID order; scenarios
// without a check ID are grouped under their own names. A check is as
// severe as the most severe tag among its scenarios (T05, D06), whatever
// each scenario's verdict, so its severity does not change from run to run.
func ByCheck(results []ScenarioResult) []CheckResult {
	index := map[string]int{}
	var checks []CheckResult
	for _, r := range results {
		key := r.CheckID
		if key == "" {
			key = "~" + r.URI + ":" + r.Name
		}
		i, ok := index[key]
		if !ok {
			i = len(checks)
			index[key] = i
			checks = append(checks, CheckResult{Meta: r.Meta, Verdict: r.Verdict})
		}
		c := &checks[i]
		c.Scenarios = append(c.Scenarios, r)
		if verdictRank[r.Verdict] > verdictRank[c.Verdict] {
			c.Verdict = r.Verdict
		}
		if severityRank[r.Severity] > severityRank[c.Severity] {
			c.Severity = r.Severity
		}
	}
	sort.SliceStable(checks, func(a, b int) bool {
		return sortKey(checks[a]) < sortKey(checks[b])
	})
	return checks
}

// checkOrder sorts checks by catalogue section: token endpoint, bearer
// usage, forgery, expiry, refresh, discovery, transport.
const checkOrder = "TBFERDX"

func sortKey(c CheckResult) string {
	if c.CheckID == "" {
		return "~" + c.Scenarios[0].Name
	}
	i := strings.IndexByte(checkOrder, c.CheckID[0])
	if i < 0 {
		i = len(checkOrder)
	}
	return string(rune('a'+i)) + c.CheckID[1:]
}
