package report

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// StampCucumber adds the run's warnings and each check's waiver to the
// Cucumber JSON file godog wrote at path: a warning heads every feature's
// description (and so does the reason checks did not run), and a waived,
// stale or unrun scenario gets a "waived", "stale-waiver" or "not-run"
// tag, so tools reading the file see what the summary says.
func StampCucumber(path string, r Run) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read cucumber report: %w", err)
	}
	var features []map[string]any
	if err := json.Unmarshal(src, &features); err != nil {
		return fmt.Errorf("parse cucumber report %s: %w", path, err)
	}
	outcome := map[string]Outcome{}
	for _, c := range r.Checks {
		if c.Outcome == Waived || c.Outcome == Stale || c.Outcome == NotRun {
			outcome[c.CheckID] = c.Outcome
		}
	}
	for _, f := range features {
		if len(r.Warnings) > 0 {
			desc, _ := f["description"].(string)
			f["description"] = "WARNING: " + strings.Join(r.Warnings, "; WARNING: ") + "\n" + desc
		}
		if r.Stopped != "" {
			desc, _ := f["description"].(string)
			f["description"] = r.Outcome() + "\n" + desc
		}
		elements, _ := f["elements"].([]any)
		for _, e := range elements {
			stampElement(e, outcome)
		}
	}
	out, err := json.MarshalIndent(features, "", "  ")
	if err != nil {
		return fmt.Errorf("encode cucumber report: %w", err)
	}
	return os.WriteFile(path, append(out, '\n'), 0o644)
}

func stampElement(e any, outcome map[string]Outcome) {
	el, ok := e.(map[string]any)
	if !ok {
		return
	}
	tags, _ := el["tags"].([]any)
	for _, t := range tags {
		tm, _ := t.(map[string]any)
		name, _ := tm["name"].(string)
		if o, ok := outcome[strings.TrimPrefix(name, "@")]; ok {
			el["tags"] = append(tags, map[string]any{"name": "@" + o.Class(), "line": tm["line"]})
			return
		}
	}
}

// WriteEmptyCucumber writes the Cucumber JSON of a run in which no
// scenario ran (no verdict, exit 3): an empty array, so that CI finds a
// file where it expects one.
func WriteEmptyCucumber(path string) error {
	if err := os.WriteFile(path, []byte("[]\n"), 0o644); err != nil {
		return fmt.Errorf("write cucumber report: %w", err)
	}
	return nil
}
