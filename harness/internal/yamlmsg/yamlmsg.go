// Package yamlmsg rewrites the errors of the YAML decoder in the terms of
// the file's author: the line, the key and what was expected, without the
// Go type names the decoder speaks in.
package yamlmsg

import (
	"errors"
	"regexp"
	"strings"

	"github.com/authconform/authconform/harness/internal/suggest"
)

var (
	linePrefix = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownKey = regexp.MustCompile(`^field (\S+) not found in type .+$`)
	wrongKind  = regexp.MustCompile(`^cannot unmarshal (!!\w+)(?: ` + "`" + `([^` + "`" + `]*)` + "`" + `)? into (.+)$`)
)

// At places err, whose problems may start with "line N: ", in the file
// at path: "FILE:N: problem", or "FILE: problem" without a line.
func At(path string, err error) string {
	var out []string
	for _, p := range strings.Split(err.Error(), "; ") {
		if m := linePrefix.FindStringSubmatch(p); m != nil {
			out = append(out, path+":"+m[1]+": "+m[2])
		} else {
			out = append(out, path+": "+p)
		}
	}
	return strings.Join(out, "; ")
}

// yamlKinds names the YAML tags the decoder reports.
var yamlKinds = map[string]string{
	"!!seq": "a list", "!!map": "a mapping (key: value lines)", "!!str": "text",
	"!!int": "a number", "!!float": "a number", "!!bool": "true or false",
	"!!null": "nothing", "!!timestamp": "a date",
}

// Clean rewrites err, a YAML decoding error, as one line per problem
// joined by "; ": "line 3: unknown key \"targett\"" or "line 1: expected a
// mapping (key: value lines), found a list". keys are the keys the
// document may hold, for a "did you mean" on a misspelt one.
func Clean(err error, keys []string) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	var out []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		out = append(out, cleanLine(line, keys))
	}
	return errors.New(strings.Join(out, "; "))
}

func cleanLine(line string, keys []string) string {
	prefix, rest := "", line
	if m := linePrefix.FindStringSubmatch(line); m != nil {
		prefix, rest = "line "+m[1]+": ", m[2]
	}
	if m := unknownKey.FindStringSubmatch(rest); m != nil {
		msg := prefix + "unknown key \"" + m[1] + "\""
		if near := suggest.Closest(m[1], keys); near != "" {
			msg += " (did you mean \"" + near + "\"?)"
		}
		return msg
	}
	if m := wrongKind.FindStringSubmatch(rest); m != nil {
		found := yamlKinds[m[1]]
		if found == "" {
			found = strings.TrimPrefix(m[1], "!!")
		}
		if m[2] != "" {
			found += " (" + m[2] + ")"
		}
		return prefix + "expected " + goKind(m[3]) + ", found " + found
	}
	return prefix + rest
}

// goKind names the kind of YAML value a Go type decodes from.
func goKind(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["), strings.HasPrefix(t, "struct"), strings.Contains(t, "."):
		if t == "time.Duration" {
			return "a duration such as 30s"
		}
		return "a mapping (key: value lines)"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	}
	return "text"
}
