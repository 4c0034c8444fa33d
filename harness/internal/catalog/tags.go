package catalog

import (
	"fmt"
	"regexp"
	"strings"
)

// TagExpr is a parsed godog tag expression: a comma-separated list of
// alternatives, each a "&&"-joined list of tags, each optionally negated
// with "~". It is the syntax godog itself applies.
type TagExpr [][]tagTerm

type tagTerm struct {
	name string // without "@"
	not  bool
}

var tagName = regexp.MustCompile(`^@?[^\s@~,&]+$`)

// ParseTags parses expr. godog accepts malformed expressions silently (or
// crashes on an empty term), so the harness checks them here first.
func ParseTags(expr string) (TagExpr, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	var out TagExpr
	for _, alt := range strings.Split(expr, ",") {
		var terms []tagTerm
		for _, raw := range strings.Split(alt, "&&") {
			raw = strings.TrimSpace(raw)
			t := tagTerm{}
			if strings.HasPrefix(raw, "~") {
				t.not, raw = true, strings.TrimSpace(raw[1:])
			}
			if !tagName.MatchString(raw) {
				return nil, fmt.Errorf("tag expression %q: %q is not a tag (use @tag, ~@tag, && and ,)", expr, raw)
			}
			t.name = strings.TrimPrefix(raw, "@")
			terms = append(terms, t)
		}
		out = append(out, terms)
	}
	return out, nil
}

// Match reports whether a scenario with tags is selected.
func (e TagExpr) Match(tags []string) bool {
	if len(e) == 0 {
		return true
	}
	has := func(name string) bool {
		for _, t := range tags {
			if strings.TrimPrefix(t, "@") == name {
				return true
			}
		}
		return false
	}
	for _, alt := range e {
		ok := true
		for _, t := range alt {
			ok = ok && has(t.name) != t.not
		}
		if ok {
			return true
		}
	}
	return false
}

// Unknown returns the first tag the expression names that no scenario
// carries: most likely a typo that would otherwise select nothing, or
// everything when negated.
func (e TagExpr) Unknown(scs []Scenario) string {
	known := map[string]bool{}
	for _, sc := range scs {
		for _, t := range sc.Tags {
			known[strings.TrimPrefix(t, "@")] = true
		}
	}
	for _, alt := range e {
		for _, t := range alt {
			if !known[t.name] {
				return "@" + t.name
			}
		}
	}
	return ""
}

// Select returns the scenarios e matches.
func (e TagExpr) Select(scs []Scenario) []Scenario {
	var out []Scenario
	for _, sc := range scs {
		if e.Match(sc.Tags) {
			out = append(out, sc)
		}
	}
	return out
}
