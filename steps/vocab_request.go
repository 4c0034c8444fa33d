package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/cucumber/godog"
)

// EnvPrefix is the prefix of the environment variables a feature may read
// as {{env.NAME}}. Other variables stay out of reach, so a feature file
// cannot send a CI secret such as a cloud key to the target.
const EnvPrefix = "AUTHCONFORM_"

// placeholderPattern matches {{name}}, the QA vocabulary's placeholders,
// and {token}, {username}, {password} and {marker}, the built-in
// features'. Both are replaced in one pass, so a substituted value is
// never expanded again.
var placeholderPattern = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}|\{(token|username|password|marker)\}`)

// varNamePattern is what a stored value may be called.
var varNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// escaping is how a substituted value is written into its surroundings.
type escaping int

const (
	asIs   escaping = iota // headers, query and form values: encoded later
	inJSON                 // inside a JSON document: JSON string escapes
	inPath                 // in a URL path: path-escaped unless it is a path
)

// expand replaces the placeholders of s. An unknown name is an error that
// lists the names the scenario has.
func (v *vocab) expand(s string, esc escaping) (string, error) {
	var firstErr error
	out := placeholderPattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := placeholderPattern.FindStringSubmatch(m)
		name := sub[1]
		if sub[2] != "" {
			name = map[string]string{
				"token": "token", "marker": "marker",
				"username": "profile.username", "password": "profile.password",
			}[sub[2]]
		}
		value, err := v.lookup(name)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return m
		}
		return escapeValue(value, esc)
	})
	return out, firstErr
}

func escapeValue(value string, esc escaping) string {
	switch esc {
	case inJSON:
		b, _ := json.Marshal(value) // a string always marshals
		return string(b[1 : len(b)-1])
	case inPath:
		if strings.HasPrefix(value, "/") || strings.Contains(value, "://") {
			return value
		}
		return url.PathEscape(value)
	}
	return value
}

// lookup returns the value of one placeholder name.
func (v *vocab) lookup(name string) (string, error) {
	switch {
	case name == "token":
		if v.st.token == "" {
			return "", fmt.Errorf("{{token}} is used but this scenario has no token: start it with \"Given I am authenticated as the valid user\"")
		}
		return v.st.token, nil
	case name == "marker":
		return v.st.marker, nil
	case strings.HasPrefix(name, "profile."):
		return v.profileValue(strings.TrimPrefix(name, "profile."))
	case strings.HasPrefix(name, "env."):
		return v.envValue(strings.TrimPrefix(name, "env."))
	}
	if value, ok := v.vars[name]; ok {
		return value, nil
	}
	known := make([]string, 0, len(v.vars))
	for k := range v.vars {
		known = append(known, "{{"+k+"}}")
	}
	slices.Sort(known)
	stored := "nothing"
	if len(known) > 0 {
		stored = strings.Join(known, ", ")
	}
	return "", fmt.Errorf("{{%s}} is not stored in this scenario (stored: %s); store it with \"I store the JSON field … as %q\"",
		name, stored, name)
}

// profileValue returns a value of the target's profile. Secrets are added
// to the redactor before they leave.
func (v *vocab) profileValue(key string) (string, error) {
	t := v.st.suite.target
	secret := func(s Secret) (string, error) {
		v.st.redact.Add(s.Reveal())
		return s.Reveal(), nil
	}
	user := func(c *Credentials, tag string) (*Credentials, error) {
		if c == nil {
			return nil, fmt.Errorf("{{profile.%s}}: the profile has none; tag the scenario %s so it is skipped", key, tag)
		}
		return c, nil
	}
	switch key {
	case "base_url":
		return t.BaseURL, nil
	case "token_path":
		return t.TokenPath, nil
	case "protected_path":
		return t.ProtectedPath, nil
	case "protected_method":
		return t.ProtectedMethod, nil
	case "scoped_path":
		return t.ScopedPath, nil
	case "subject_field":
		return t.SubjectField, nil
	case "client_id":
		return t.ClientID, nil
	case "username":
		return t.Username, nil
	case "password":
		return secret(t.Password)
	case "second_user.username", "second_user.password":
		c, err := user(t.SecondUser, "@needs-second-user")
		if err != nil {
			return "", err
		}
		if strings.HasSuffix(key, "password") {
			return secret(c.Password)
		}
		return c.Username, nil
	case "scoped_user.username", "scoped_user.password", "scoped_user.scope":
		c, err := user(t.ScopedUser, "@needs-scope")
		if err != nil {
			return "", err
		}
		switch {
		case strings.HasSuffix(key, "password"):
			return secret(c.Password)
		case strings.HasSuffix(key, "scope"):
			return c.Scope, nil
		}
		return c.Username, nil
	}
	return "", fmt.Errorf("{{profile.%s}}: unknown profile value; use base_url, token_path, protected_path, protected_method, scoped_path, subject_field, client_id, username, password, second_user.username, second_user.password, scoped_user.username, scoped_user.password or scoped_user.scope", key)
}

// envValue reads an environment variable whose name starts with EnvPrefix.
// Its value is treated as a secret: it may be an API key.
func (v *vocab) envValue(name string) (string, error) {
	if !strings.HasPrefix(name, EnvPrefix) {
		return "", fmt.Errorf("{{env.%s}}: only variables whose names start with %s may be read", name, EnvPrefix)
	}
	value, ok := os.LookupEnv(name)
	if !ok {
		return "", fmt.Errorf("{{env.%s}}: the environment variable is not set", name)
	}
	v.st.redact.Add(value)
	return value, nil
}

func (v *vocab) requestHeader(name, value string) error {
	value, err := v.expand(value, asIs)
	if err != nil {
		return fmt.Errorf("request header %s: %w", name, err)
	}
	v.next.header.Add(name, value)
	return nil
}

func (v *vocab) requestQuery(name, value string) error {
	value, err := v.expand(value, asIs)
	if err != nil {
		return fmt.Errorf("query parameter %s: %w", name, err)
	}
	v.next.query.Add(name, value)
	return nil
}

// tokenChoice says which token a request carries.
type tokenChoice struct {
	none  bool   // no Authorization header
	named string // a token kept under this name; "" for the current one
}

// body is a request body and its media type.
type body struct {
	contentType string
	data        string
}

func (v *vocab) sendDefault(ctx context.Context, method, path string) error {
	return v.sendRequest(ctx, method, path, tokenChoice{}, body{})
}

func (v *vocab) sendWithoutToken(ctx context.Context, method, path string) error {
	return v.sendRequest(ctx, method, path, tokenChoice{none: true}, body{})
}

func (v *vocab) sendWithNamedToken(ctx context.Context, method, path, name string) error {
	return v.sendRequest(ctx, method, path, tokenChoice{named: name}, body{})
}

func (v *vocab) sendJSONDoc(ctx context.Context, method, path string, doc *godog.DocString) error {
	data, err := v.expand(doc.Content, inJSON)
	if err != nil {
		return fmt.Errorf("JSON body: %w", err)
	}
	return v.sendRequest(ctx, method, path, tokenChoice{}, body{"application/json", data})
}

func (v *vocab) sendJSONTable(ctx context.Context, method, path string, table *godog.Table) error {
	fields, err := v.tableFields(table)
	if err != nil {
		return fmt.Errorf("JSON fields: %w", err)
	}
	obj := make(map[string]any, len(fields))
	for _, f := range fields {
		obj[f[0]] = jsonOrString(f[1])
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("JSON fields: %w", err)
	}
	return v.sendRequest(ctx, method, path, tokenChoice{}, body{"application/json", string(data)})
}

func (v *vocab) sendFormTable(ctx context.Context, method, path string, table *godog.Table) error {
	fields, err := v.tableFields(table)
	if err != nil {
		return fmt.Errorf("form fields: %w", err)
	}
	form := url.Values{}
	for _, f := range fields {
		form.Add(f[0], f[1])
	}
	return v.sendRequest(ctx, method, path, tokenChoice{}, body{"application/x-www-form-urlencoded", form.Encode()})
}

// tableFields reads a two-column table of names and values, placeholders
// in the values replaced.
func (v *vocab) tableFields(table *godog.Table) ([][2]string, error) {
	var out [][2]string
	for i, row := range table.Rows {
		if len(row.Cells) != 2 {
			return nil, fmt.Errorf("row %d has %d cells: write | name | value |", i+1, len(row.Cells))
		}
		value, err := v.expand(row.Cells[1].Value, asIs)
		if err != nil {
			return nil, err
		}
		out = append(out, [2]string{row.Cells[0].Value, value})
	}
	return out, nil
}

// jsonOrString returns s as the JSON value it reads as, or as a string.
func jsonOrString(s string) any {
	var value any
	if err := json.Unmarshal([]byte(s), &value); err == nil {
		return json.RawMessage(s)
	}
	return s
}

// sendRequest sends what the scenario has prepared, then forgets it.
func (v *vocab) sendRequest(ctx context.Context, method, rawPath string, tc tokenChoice, b body) error {
	defer v.resetRequest()
	path, err := v.requestPath(rawPath)
	if err != nil {
		return err
	}
	header := v.next.header.Clone()
	if header.Get("Authorization") == "" && !tc.none {
		token := v.st.token
		if tc.named != "" {
			if token = v.tokens[tc.named]; token == "" {
				return fmt.Errorf("no token kept as %q: keep one first with \"I keep the current token as %q\"", tc.named, tc.named)
			}
		}
		if token != "" {
			header.Set("Authorization", "Bearer "+token)
		}
	}
	r := request{method: method, path: path, header: header}
	if b.contentType == "application/x-www-form-urlencoded" {
		r.form = b.data
		return v.st.send(ctx, r)
	}
	if b.contentType != "" {
		header.Set("Content-Type", b.contentType)
		return v.sendWithBody(ctx, r, b.data)
	}
	return v.st.send(ctx, r)
}

// requestPath expands rawPath, adds the prepared query parameters and makes
// sure the request stays on the target.
func (v *vocab) requestPath(rawPath string) (string, error) {
	path, err := v.expand(rawPath, inPath)
	if err != nil {
		return "", fmt.Errorf("request path %q: %w", rawPath, err)
	}
	if strings.Contains(path, "://") {
		if path, err = v.onTarget(path); err != nil {
			return "", err
		}
	}
	if !strings.HasPrefix(path, "/") {
		return "", fmt.Errorf("request path %q must start with /", path)
	}
	if len(v.next.query) > 0 {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + v.next.query.Encode()
	}
	return path, nil
}

// onTarget turns an absolute URL on the target, such as a Location
// header, into a path relative to the base URL. It refuses any other
// host, so that no credential is sent elsewhere.
func (v *vocab) onTarget(abs string) (string, error) {
	u, err := url.Parse(abs)
	if err != nil {
		// url.Error repeats the URL unscrubbed: wrap only its cause.
		return "", fmt.Errorf("request URL %q: %w", v.st.redact.Scrub(abs), errors.Unwrap(err))
	}
	base, err := url.Parse(v.st.suite.target.BaseURL)
	if err != nil {
		return "", fmt.Errorf("base URL: %w", err)
	}
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return "", fmt.Errorf("refusing to send a request to %s://%s: requests go to the target %s only", u.Scheme, u.Host, base.Host)
	}
	rest := strings.TrimPrefix(u.EscapedPath(), strings.TrimRight(base.EscapedPath(), "/"))
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return rest, nil
}

// sendWithBody is st.send for a body that is not a form: it performs r with
// data as the body and records the exchange the same way. It stands apart
// only because request has no field for such a body yet.
func (v *vocab) sendWithBody(ctx context.Context, r request, data string) error {
	st := v.st
	req := st.suite.http.R().SetContext(ctx).SetBody(data)
	for k, vs := range r.header {
		for _, value := range vs {
			req.Header.Add(k, value)
		}
	}
	resp, err := req.Execute(r.method, r.path)
	if err != nil {
		return st.noResponse(r, err)
	}
	st.last = &exchange{
		method: r.method, path: r.path, status: resp.StatusCode(),
		header: resp.Header(), body: resp.Body(),
	}
	return nil
}

func (v *vocab) storeJSON(path, name string) error {
	if err := checkVarName(name); err != nil {
		return err
	}
	value := v.st.json(path)
	if !value.Exists() {
		return v.st.mismatch(fmt.Sprintf("a JSON field %q to store as {{%s}}", path, name), describe(value))
	}
	v.vars[name] = value.String()
	return nil
}

func (v *vocab) storeHeader(header, name string) error {
	if err := checkVarName(name); err != nil {
		return err
	}
	if v.st.last == nil || len(v.st.last.header.Values(header)) == 0 {
		return v.st.mismatch(fmt.Sprintf("a header %s to store as {{%s}}", header, name), "absent")
	}
	v.vars[name] = v.st.last.header.Get(header)
	return nil
}

func (v *vocab) keepToken(name string) error {
	if v.st.token == "" {
		return fmt.Errorf("no current token to keep as %q: start the scenario with \"Given I am authenticated as the valid user\"", name)
	}
	v.tokens[name] = v.st.token
	return nil
}

func checkVarName(name string) error {
	switch {
	case !varNamePattern.MatchString(name):
		return fmt.Errorf("cannot store a value as %q: use letters, digits and _ only", name)
	case name == "token" || name == "marker":
		return fmt.Errorf("cannot store a value as %q: the name is reserved", name)
	}
	return nil
}
