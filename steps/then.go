package steps

import (
	"fmt"
	"mime"
	"strings"

	"github.com/tidwall/gjson"
)

func (st *scenario) statusShouldBe(want int) error {
	if st.last == nil || st.last.status != want {
		return st.mismatch(statusText(want), st.lastStatus())
	}
	return nil
}

func (st *scenario) lastStatus() string {
	if st.last == nil {
		return "no response"
	}
	got := statusText(st.last.status)
	if e := st.json("error"); e.Type == gjson.String {
		got += fmt.Sprintf(" with error %q", e.String())
	} else if t := st.json("access_token"); t.Exists() {
		got += " with an access token"
	}
	return got
}

func (st *scenario) contentTypeShouldBe(want string) error {
	if st.last == nil {
		return st.mismatch("Content-Type "+want, "no response")
	}
	got := st.last.header.Get("Content-Type")
	media, _, err := mime.ParseMediaType(got)
	if err != nil || !strings.EqualFold(media, want) {
		return st.mismatch("Content-Type "+want, quoteOrAbsent(got))
	}
	return nil
}

func (st *scenario) fieldShouldBeNonEmptyString(path string) error {
	if v := st.json(path); v.Type != gjson.String || v.String() == "" {
		return st.mismatch(fmt.Sprintf("JSON field %q to be a non-empty string", path), st.describe(v))
	}
	return nil
}

func (st *scenario) fieldShouldBe(path, want string) error {
	if v := st.json(path); v.Type != gjson.String || v.String() != want {
		return st.mismatch(fmt.Sprintf("JSON field %q = %q", path, want), st.describe(v))
	}
	return nil
}

func (st *scenario) fieldShouldBeFold(path, want string) error {
	if v := st.json(path); v.Type != gjson.String || !strings.EqualFold(v.String(), want) {
		return st.mismatch(fmt.Sprintf("JSON field %q = %q, ignoring case", path, want), st.describe(v))
	}
	return nil
}

func (st *scenario) fieldShouldBeAbsent(path string) error {
	if v := st.json(path); v.Exists() {
		return st.mismatch(fmt.Sprintf("no JSON field %q", path), fmt.Sprintf("%q present", path))
	}
	return nil
}

// headerShouldContainDirective splits a list header such as Cache-Control
// on commas and looks for the directive by name, case-insensitively
// (RFC 9111 §5.2), as the OIDF suite does for RFC 6749 §5.1.
func (st *scenario) headerShouldContainDirective(name, directive string) error {
	if st.last == nil {
		return st.mismatch(name+" with "+directive, "no response")
	}
	values := st.last.header.Values(name)
	for _, v := range values {
		for _, d := range strings.Split(v, ",") {
			d, _, _ = strings.Cut(strings.TrimSpace(d), "=")
			if strings.EqualFold(d, directive) {
				return nil
			}
		}
	}
	return st.mismatch(fmt.Sprintf("header %s with directive %s", name, directive), quoteOrAbsent(strings.Join(values, ", ")))
}

func (st *scenario) headerShouldBe(name, want string) error {
	if st.last == nil {
		return st.mismatch(fmt.Sprintf("header %s: %s", name, want), "no response")
	}
	if got := st.last.header.Get(name); !strings.EqualFold(strings.TrimSpace(got), want) {
		return st.mismatch(fmt.Sprintf("header %s: %s", name, want), quoteOrAbsent(got))
	}
	return nil
}

// bearerChallenge finds the Bearer challenge of the latest response
// (RFC 6750 §3), or returns a mismatch naming what came instead.
func (st *scenario) bearerChallenge(expected string) (Challenge, error) {
	if st.last == nil {
		return Challenge{}, st.mismatch(expected, "no response")
	}
	values := st.last.header.Values("WWW-Authenticate")
	if len(values) == 0 {
		return Challenge{}, st.mismatch(expected, "no WWW-Authenticate header")
	}
	challenges, err := ParseChallenges(values)
	if err != nil {
		return Challenge{}, st.mismatch(expected, "an unparsable header: "+err.Error())
	}
	for _, c := range challenges {
		if strings.EqualFold(c.Scheme, "Bearer") {
			return c, nil
		}
	}
	return Challenge{}, st.mismatch(expected, fmt.Sprintf("WWW-Authenticate: %q", strings.Join(values, ", ")))
}

func (st *scenario) bearerChallengeWithoutError() error {
	const expected = "a WWW-Authenticate Bearer challenge without an error attribute"
	c, err := st.bearerChallenge(expected)
	if err != nil {
		return err
	}
	if e, ok := c.Params["error"]; ok {
		return st.mismatch(expected, fmt.Sprintf("error=%q", e))
	}
	return nil
}

func (st *scenario) bearerChallengeWithError(code string) error {
	expected := fmt.Sprintf("a WWW-Authenticate Bearer challenge with error=%q", code)
	c, err := st.bearerChallenge(expected)
	if err != nil {
		return err
	}
	if got, ok := c.Params["error"]; !ok || got != code {
		return st.mismatch(expected, fmt.Sprintf("Bearer challenge with error=%s", quoteOrAbsent(got)))
	}
	return nil
}

// responseNamesUser checks that the protected resource echoes the subject
// of the token it was called with.
func (st *scenario) responseNamesUser() error {
	field := st.suite.target.SubjectField
	want := st.suite.target.Username
	if v := st.json(field); v.Type != gjson.String || v.String() != want {
		return st.mismatch(fmt.Sprintf("JSON field %q = %q", field, want), st.describe(v))
	}
	return nil
}

func quoteOrAbsent(s string) string {
	if s == "" {
		return "absent"
	}
	return fmt.Sprintf("%q", s)
}
