package report

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/authconform/authconform/harness/internal/runner"
)

// Outcome is what a report says about one check: its verdict after
// advisory failures become warnings and waivers are applied.
type Outcome string

// Outcomes, in the order the counts show them.
const (
	Passed    Outcome = "passed"
	Failed    Outcome = "failed"
	Warning   Outcome = "warning"
	Waived    Outcome = "waived"
	Stale     Outcome = "stale-waiver"
	Skipped   Outcome = "skipped"
	Pending   Outcome = "pending"
	Undefined Outcome = "undefined"
	// NotRun is a check the run did not finish: --fail-fast stopped it or
	// it was interrupted. Its detail says which.
	NotRun Outcome = "not run"
)

var outcomeOrder = []Outcome{Passed, Failed, Warning, Waived, Stale, Skipped, NotRun, Pending, Undefined}

// Class is the outcome as an HTML class name: "not run" is "not-run".
func (o Outcome) Class() string { return strings.ReplaceAll(string(o), " ", "-") }

// Check is one check as reported.
type Check struct {
	runner.CheckResult
	Area    string  // the feature's name
	Outcome Outcome // the verdict as reported
	Waiver  string  // the deviation's reason, if the check is listed
	title   string
	// placeholders is set when the catalogue title was an outline's.
	placeholders bool
}

// Run is everything the reports show about one run.
type Run struct {
	Target   string   // base URL
	Seed     int64    // random order seed, 0 if the order was fixed
	Warnings []string // stamped at the top of every report
	// Stopped says why checks were left unrun ("" if none was): the
	// failure that stopped a --fail-fast run, or "interrupted".
	Stopped string
	// NoVerdict, when set, is why no check could run at all (exit 3);
	// Checks is then empty.
	NoVerdict string
	Checks    []Check
}

// Catalog is what the feature files say about the checks beyond a
// scenario's tags.
type Catalog struct {
	Areas  map[string]string // feature file URI to feature name
	Titles map[string]string // check ID to title, placeholders kept
}

// Build applies waivers (check ID to reason) to checks.
func Build(target string, checks []runner.CheckResult, cat Catalog, waivers map[string]string) Run {
	r := Run{Target: target}
	for _, c := range checks {
		rc := Check{CheckResult: c, Area: cat.Areas[c.Scenarios[0].URI], Outcome: outcomeOf(c), title: plainTitle(cat.Titles[c.CheckID])}
		rc.placeholders = rc.title != cat.Titles[c.CheckID]
		if reason, ok := waivers[c.CheckID]; ok && c.CheckID != "" {
			rc.Waiver = reason
			switch rc.Outcome {
			case Failed, Warning:
				rc.Outcome = Waived
			case Passed:
				rc.Outcome = Stale
			}
		}
		r.Checks = append(r.Checks, rc)
	}
	return r
}

func outcomeOf(c runner.CheckResult) Outcome {
	switch c.Verdict {
	case runner.Failed:
		if !c.Required() {
			return Warning
		}
		return Failed
	case runner.Passed:
		return Passed
	case runner.Skipped:
		return Skipped
	case runner.Pending:
		return Pending
	case runner.NotRun:
		return NotRun
	default:
		return Undefined
	}
}

// Failed reports whether the run fails: a required check failed and is not
// waived, or a step is undefined (a feature the harness cannot run).
func (r Run) Failed() bool {
	for _, c := range r.Checks {
		if c.Outcome == Failed || c.Outcome == Undefined {
			return true
		}
	}
	return false
}

// Outcome states the run's result in one line, with the reason for the
// exit code: which required checks failed, how many advisory warnings
// there are (they never fail a run), and how many checks did not run.
func (r Run) Outcome() string {
	if r.NoVerdict != "" {
		return "NO VERDICT: " + r.NoVerdict
	}
	var failed []string
	for _, c := range r.Checks {
		if c.Outcome == Failed || c.Outcome == Undefined {
			failed = append(failed, orDash(c.CheckID))
		}
	}
	var head string
	switch {
	case len(failed) > 0:
		head = fmt.Sprintf("FAILED: %d required check(s) failed (%s)", len(failed), strings.Join(failed, ", "))
	case r.Stopped != "":
		head = "INCOMPLETE: no required check failed among those that ran"
	default:
		head = "PASSED: every required check passed"
	}
	if n := r.Count("", Warning); n > 0 {
		head += fmt.Sprintf("; %d advisory warning(s) (do not fail the run)", n)
	}
	if r.Stopped != "" {
		head += fmt.Sprintf("; %d check(s) not run (%s)", r.Count("", NotRun), r.Stopped)
	}
	return head
}

// Count returns how many checks of severity sev (any if "") have outcome o.
func (r Run) Count(sev string, o Outcome) int {
	n := 0
	for _, c := range r.Checks {
		if (sev == "" || severity(c) == sev) && c.Outcome == o {
			n++
		}
	}
	return n
}

func severity(c Check) string { return orDash(c.Severity) }

// checkMintedAccepted is F23, the check that a token the harness mints
// with the profile's signing key and correct claims is accepted: when it
// fails, the key is the likeliest culprit, not the target.
const checkMintedAccepted = "F23"

// hintSigningKey follows an F23 failure.
const hintSigningKey = "is the signing key right? (signing_key in the profile, AUTHCONFORM_SIGNING_KEY or AUTHCONFORM_SIGNING_KEY_FILE; for make serve, the same REFSERVER_SECRET on both sides); the other checks that mint tokens prove nothing until F23 passes"

// Detail is one line about the check: for a failure, expected versus got
// with the request and the RFC section; for a skip, the reason; else its
// title.
func (c Check) Detail() string {
	s, failed := c.FirstFailure()
	var d string
	switch {
	case failed && s.Expected != "":
		d = fmt.Sprintf("expected %s, got %s (%s)", s.Expected, s.Got, s.Request())
		if len(c.Refs) > 0 {
			d += "; " + strings.Join(c.Refs, ", ")
		}
	case failed:
		d = oneLine(s.Message)
	default:
		d = c.Title()
		for _, s := range c.Scenarios {
			if s.Verdict != runner.Passed && s.Message != "" {
				d = oneLine(s.Message)
				break
			}
		}
	}
	if failed && c.CheckID == checkMintedAccepted {
		d += "; " + hintSigningKey
	}
	switch c.Outcome {
	case Waived:
		d = "waived: " + c.Waiver + " — " + d
	case Stale:
		d = "passes now, remove the waiver (" + c.Waiver + ")"
	}
	return d
}

// Title is the check's title from the catalogue, or else the first
// scenario's name without the check ID it starts with. An outline's
// placeholders are left out and its rows counted: `an unsigned token with
// alg "<alg>" is refused` reads "an unsigned token is refused (4 variants)".
func (c Check) Title() string {
	t := c.title
	if t == "" {
		t = strings.TrimSpace(strings.TrimPrefix(c.Scenarios[0].Name, c.CheckID))
	}
	if c.placeholders && len(c.Scenarios) > 1 {
		t += fmt.Sprintf(" (%d variants)", len(c.Scenarios))
	}
	return t
}

// Outline placeholders, with what only introduces them: a parenthesised
// group holding one ("(<alg>, <form>)"), a quoted one with the word naming
// it (`with alg "<alg>"`), and a bare one ("without <parameter>").
var (
	placeholderGroup  = regexp.MustCompile(`\s*\([^()]*<[^<>]+>[^()]*\)`)
	placeholderQuoted = regexp.MustCompile(`(\s+(with|for|of|as|in|on|using|via)\s+[A-Za-z_-]+)?\s*["']<[^<>]+>["']`)
	placeholderBare   = regexp.MustCompile(`<([^<>]+)>`)
)

// plainTitle strips an outline title's placeholders: `an unsigned token
// with alg "<alg>" is refused` reads "an unsigned token is refused", and
// "without <parameter>" reads "without a parameter".
func plainTitle(t string) string {
	t = placeholderGroup.ReplaceAllString(t, "")
	t = placeholderQuoted.ReplaceAllString(t, "")
	t = placeholderBare.ReplaceAllString(t, "a $1")
	return strings.Join(strings.Fields(t), " ")
}

// Exchange is the redacted HTTP exchange of the first failure as a
// transcript, or else its request and response line, such as
// "GET /secure-data → 401", or "" if the failure has neither.
func (c Check) Exchange() string {
	s, failed := c.FirstFailure()
	if !failed {
		return ""
	}
	return exchangeText(s)
}

// exchangeText is s's redacted exchange as a transcript, or its request
// and response line when the step recorded no exchange.
func exchangeText(s runner.ScenarioResult) string {
	switch {
	case s.Exchange != nil:
		return s.Exchange.String()
	case s.Method != "":
		return s.Request()
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
