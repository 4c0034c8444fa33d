// Package deviations reads a target's list of known deviations: checks it
// is known to fail, each with the reason it is accepted. The harness
// reports a listed failing check as waived and a listed passing one as a
// stale waiver (DESIGN.md, Verdicts).
package deviations

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/authconform/authconform/harness/internal/yamlmsg"
)

// Deviation is one accepted deviation.
type Deviation struct {
	Check  string `yaml:"check"`
	Reason string `yaml:"reason"`
	line   int
}

var checkID = regexp.MustCompile(`^[A-Z][0-9]{2}$`)

// Load reads the YAML list at path and returns check ID to reason. known,
// if not nil, lists the IDs in the catalogue: a deviation of any other
// check is an error, since it is most likely a typo.
func Load(path string, known map[string]bool) (map[string]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read deviations: %w", err)
	}
	out, err := Parse(src, known)
	if err != nil {
		return nil, fmt.Errorf("deviations %s", yamlmsg.At(path, err))
	}
	return out, nil
}

// Parse decodes a deviations list.
func Parse(src []byte, known map[string]bool) (map[string]string, error) {
	// Decode twice: strictly into the struct, which rejects unknown keys,
	// and into nodes, which know their lines.
	var list []Deviation
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&list); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlmsg.Clean(err, []string{"check", "reason"})
	}
	var nodes []yaml.Node
	if err := yaml.Unmarshal(src, &nodes); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i, d := range list {
		d.line = nodes[i].Line
		if err := d.validate(known); err != nil {
			return nil, err
		}
		if _, dup := out[d.Check]; dup {
			return nil, fmt.Errorf("line %d: %s is listed twice", d.line, d.Check)
		}
		out[d.Check] = strings.TrimSpace(d.Reason)
	}
	return out, nil
}

func (d Deviation) validate(known map[string]bool) error {
	switch {
	case !checkID.MatchString(d.Check):
		return fmt.Errorf("line %d: check %q is not a check ID such as T02", d.line, d.Check)
	case known != nil && !known[d.Check]:
		return fmt.Errorf("line %d: check %s is not in the catalogue (see harness checks)", d.line, d.Check)
	case strings.TrimSpace(d.Reason) == "":
		return fmt.Errorf("line %d: %s has no reason (every deviation needs one)", d.line, d.Check)
	}
	return nil
}
