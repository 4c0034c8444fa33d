// Package catalog reads feature files the way godog does, with the gherkin
// parser, so that the list of checks, tag validation and the count of
// selected scenarios are derived from the files themselves and never drift
// from what a run executes.
package catalog

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/authconform/authconform/harness/internal/runner"
)

// Scenario is one runnable scenario (one example row of an outline), with
// every tag that applies to it: the feature's, the rule's, its own and its
// examples'.
type Scenario struct {
	URI     string
	Area    string // the feature's name
	Name    string
	Tags    []string
	Outline string // the scenario's name as written, placeholders kept
}

// Check is one entry of the catalogue: a check ID and what its scenarios'
// tags say about it.
type Check struct {
	runner.Meta
	Area      string
	Title     string
	Scenarios int
}

// Load parses every *.feature file under root in fsys. A file that does not
// parse is an error naming the file and line.
func Load(fsys fs.FS, root string) ([]Scenario, error) {
	var out []Scenario
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".feature" {
			return nil
		}
		scs, err := parseFile(fsys, p)
		if err != nil {
			return err
		}
		out = append(out, scs...)
		return nil
	})
	return out, err
}

func parseFile(fsys fs.FS, p string) ([]Scenario, error) {
	src, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, err
	}
	ids := (&messages.Incrementing{}).NewId
	doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(src), ids)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if doc.Feature == nil {
		return nil, nil
	}
	outlines := map[string]string{}
	collectNames(doc.Feature.Children, outlines)

	var out []Scenario
	for _, pk := range gherkin.Pickles(*doc, p, ids) {
		sc := Scenario{URI: p, Area: doc.Feature.Name, Name: pk.Name}
		for _, t := range pk.Tags {
			sc.Tags = append(sc.Tags, t.Name)
		}
		if len(pk.AstNodeIds) > 0 {
			sc.Outline = outlines[pk.AstNodeIds[0]]
		}
		out = append(out, sc)
	}
	return out, nil
}

// collectNames maps each scenario's AST ID to its name as written.
func collectNames(children []*messages.FeatureChild, names map[string]string) {
	for _, c := range children {
		switch {
		case c.Scenario != nil:
			names[c.Scenario.Id] = c.Scenario.Name
		case c.Rule != nil:
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					names[rc.Scenario.Id] = rc.Scenario.Name
				}
			}
		}
	}
}

// placeholderGroup matches an outline's "(<scheme>)" suffix, which says
// nothing about the check as a whole.
var placeholderGroup = regexp.MustCompile(`\s*\(<[^>]+>\)`)

// Checks groups scenarios by check ID, in catalogue order. Scenarios
// without a check ID are left out: they are a team's own, not checks.
func Checks(scs []Scenario) []Check {
	index := map[string]int{}
	var out []Check
	for _, sc := range scs {
		m := runner.ParseTags(sc.Tags)
		if m.CheckID == "" {
			continue
		}
		i, ok := index[m.CheckID]
		if !ok {
			i = len(out)
			index[m.CheckID] = i
			title := placeholderGroup.ReplaceAllString(sc.Outline, "")
			title = strings.TrimSpace(strings.TrimPrefix(title, m.CheckID))
			out = append(out, Check{Meta: m, Area: sc.Area, Title: title})
		}
		out[i].Scenarios++
		out[i].Needs = union(out[i].Needs, m.Needs)
		out[i].Refs = union(out[i].Refs, m.Refs)
	}
	sort.SliceStable(out, func(a, b int) bool { return Less(out[a].CheckID, out[b].CheckID) })
	return out
}

// checkOrder sorts checks by catalogue section: token endpoint, bearer
// usage, forgery, expiry, refresh, discovery, transport.
const checkOrder = "TBFERDX"

// Less orders check IDs as the catalogue does.
func Less(a, b string) bool {
	key := func(id string) string {
		i := strings.IndexByte(checkOrder, id[0])
		if i < 0 {
			i = len(checkOrder)
		}
		return string(rune('a'+i)) + id[1:]
	}
	return key(a) < key(b)
}

func union(a, b []string) []string {
	for _, v := range b {
		found := false
		for _, w := range a {
			found = found || v == w
		}
		if !found {
			a = append(a, v)
		}
	}
	return a
}
