package steps

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// statusListSplit separates the codes of "one of 200, 201 or 204".
var statusListSplit = regexp.MustCompile(`, | or `)

func (v *vocab) statusOneOf(list string) error {
	var want []int
	for _, s := range statusListSplit.Split(list, -1) {
		code, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("status list %q: %w", list, err)
		}
		want = append(want, code)
	}
	return v.st.statusShouldBeIn(want, "status one of "+list)
}

func (v *vocab) statusClass(digit string) error {
	class, _ := strconv.Atoi(digit) // the pattern allows 1 to 5 only
	if v.st.last == nil || v.st.last.status/100 != class {
		return v.st.mismatch("a "+digit+"xx status", v.st.lastStatus())
	}
	return nil
}

func (v *vocab) headerPresent(name string) error {
	if v.st.last == nil || len(v.st.last.header.Values(name)) == 0 {
		return v.st.mismatch("a header "+name, "absent")
	}
	return nil
}

func (v *vocab) headerAbsent(name string) error {
	if v.st.last == nil {
		return v.st.mismatch("no header "+name, "no response")
	}
	if values := v.st.last.header.Values(name); len(values) > 0 {
		return v.st.mismatch("no header "+name, fmt.Sprintf("%s: %q", name, strings.Join(values, ", ")))
	}
	return nil
}

func (v *vocab) headerContains(name, want string) error {
	want, err := v.expand(want, asIs)
	if err != nil {
		return fmt.Errorf("header %s: %w", name, err)
	}
	if v.st.last == nil {
		return v.st.mismatch(fmt.Sprintf("header %s containing %q", name, want), "no response")
	}
	values := v.st.last.header.Values(name)
	for _, value := range values {
		if strings.Contains(value, want) {
			return nil
		}
	}
	return v.st.mismatch(fmt.Sprintf("header %s containing %q", name, want), quoteOrAbsent(strings.Join(values, ", ")))
}

func (v *vocab) fieldEquals(path, want string) error {
	want, err := v.expand(want, asIs)
	if err != nil {
		return fmt.Errorf("JSON field %s: %w", path, err)
	}
	got := v.st.json(path)
	switch got.Type {
	case gjson.String, gjson.Number, gjson.True, gjson.False:
		if got.String() == want {
			return nil
		}
	}
	return v.st.mismatch(fmt.Sprintf("JSON field %q = %q", path, want), describe(got))
}

func (v *vocab) fieldIsLiteral(path, literal string) error {
	got := v.st.json(path)
	var ok bool
	switch literal {
	case "true":
		ok = got.Type == gjson.True
	case "false":
		ok = got.Type == gjson.False
	case "null":
		ok = got.Exists() && got.Type == gjson.Null
	default:
		want, err := strconv.ParseFloat(literal, 64)
		ok = err == nil && got.Type == gjson.Number && got.Float() == want
	}
	if !ok {
		return v.st.mismatch(fmt.Sprintf("JSON field %q = %s", path, literal), describe(got))
	}
	return nil
}

func (v *vocab) fieldMatches(path, pattern string) error {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return fmt.Errorf("the pattern for JSON field %q is not a regular expression: %w", path, err)
	}
	got := v.st.json(path)
	if !got.Exists() || !re.MatchString(got.String()) {
		return v.st.mismatch(fmt.Sprintf("JSON field %q matching %q", path, pattern), describe(got))
	}
	return nil
}

func (v *vocab) fieldHasType(path, typ string) error {
	got := v.st.json(path)
	var ok bool
	switch typ {
	case "string":
		ok = got.Type == gjson.String
	case "number":
		ok = got.Type == gjson.Number
	case "integer":
		ok = got.Type == gjson.Number && got.Float() == math.Trunc(got.Float())
	case "boolean":
		ok = got.Type == gjson.True || got.Type == gjson.False
	case "array":
		ok = got.IsArray()
	case "object":
		ok = got.IsObject()
	case "null":
		ok = got.Exists() && got.Type == gjson.Null
	}
	if !ok {
		return v.st.mismatch(fmt.Sprintf("JSON field %q of type %s", path, typ), describe(got))
	}
	return nil
}

// fieldExists is the QA spelling of the catalogue's "should be present".
func (v *vocab) fieldExists(path string) error { return v.st.fieldShouldBePresent(path) }

func (v *vocab) fieldHasItems(path string, n int) error {
	got := v.st.json(path)
	if !got.IsArray() || len(got.Array()) != n {
		return v.st.mismatch(fmt.Sprintf("JSON field %q with %d items", path, n), describe(got))
	}
	return nil
}

func (v *vocab) bodyContains(want string) error {
	want, err := v.expand(want, asIs)
	if err != nil {
		return fmt.Errorf("body: %w", err)
	}
	if v.st.last == nil || !bytes.Contains(v.st.last.body, []byte(want)) {
		got := "no response"
		if v.st.last != nil {
			got = fmt.Sprintf("a body of %d bytes without it", len(v.st.last.body))
		}
		return v.st.mismatch(fmt.Sprintf("a body containing %q", want), got)
	}
	return nil
}
