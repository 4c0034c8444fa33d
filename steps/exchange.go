package steps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxExchangeBody is how much of a response body an Exchange keeps; the
// rest is cut and counted in Exchange.Truncated.
const MaxExchangeBody = 2 << 10

// maxParsedBody is the largest body whose form or JSON fields are parsed
// for redaction.
const maxParsedBody = 1 << 20

// Exchange is the redacted record of the request that got an unexpected
// answer and of that answer, for a report. Every credential in it has been
// replaced by its Fingerprint: Authorization and other secret-bearing
// headers, the headers the target's profile adds to every request, secret
// fields of form and JSON bodies, JWT-shaped strings and every secret the
// scenario's Redactor knows.
type Exchange struct {
	// Request is the request line, such as "POST /token HTTP/1.1".
	Request       string
	RequestHeader http.Header
	RequestBody   string
	// Status is the response status, 0 if no response came.
	Status         int
	StatusLine     string // such as "HTTP/1.1 401 Unauthorized"
	ResponseHeader http.Header
	// ResponseBody is at most MaxExchangeBody bytes of the response body;
	// Truncated is how many bytes were cut after them.
	ResponseBody string
	Truncated    int
	// NoResponse, when Status is 0, says why no response came, such as
	// "timeout after 10s".
	NoResponse string
}

// Summary is the exchange in one line, such as "POST /token HTTP/1.1 →
// 200" or "GET /secure-data HTTP/1.1: no response (timeout after 10s)".
func (e *Exchange) Summary() string {
	if e.Status == 0 {
		return e.Request + ": " + e.noAnswer()
	}
	return fmt.Sprintf("%s → %d", e.Request, e.Status)
}

// noAnswer says that no response came, and why if known.
func (e *Exchange) noAnswer() string {
	if e.NoResponse == "" {
		return "no response"
	}
	return "no response (" + e.NoResponse + ")"
}

// String renders the exchange as an HTTP transcript: request line,
// headers in name order, body, then the same for the response.
func (e *Exchange) String() string {
	var b strings.Builder
	b.WriteString(e.Request + "\n")
	writeHeader(&b, e.RequestHeader)
	if e.RequestBody != "" {
		b.WriteString("\n" + e.RequestBody + "\n")
	}
	b.WriteString("\n")
	if e.Status == 0 {
		b.WriteString("(" + e.noAnswer() + ")\n")
		return b.String()
	}
	b.WriteString(e.StatusLine + "\n")
	writeHeader(&b, e.ResponseHeader)
	if e.ResponseBody != "" {
		b.WriteString("\n" + e.ResponseBody + "\n")
	}
	if e.Truncated > 0 {
		fmt.Fprintf(&b, "…[%d more bytes]\n", e.Truncated)
	}
	return b.String()
}

func writeHeader(b *strings.Builder, h http.Header) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			b.WriteString(k + ": " + v + "\n")
		}
	}
}

// secretFields are form and JSON field names whose values are credentials
// (RFC 6749 §4.3.2, §6, §2.3.1; RFC 7523; RFC 7009; RFC 8693; RFC 7636).
var secretFields = map[string]bool{
	"password": true, "client_secret": true, "refresh_token": true, "access_token": true,
	"token": true, "assertion": true, "client_assertion": true, "id_token": true,
	"code": true, "code_verifier": true, "subject_token": true, "actor_token": true,
	"secret": true, "api_key": true, "apikey": true,
}

// secretHeaderWords mark a header whose value is a credential, such as
// X-Api-Key or X-Auth-Token.
var secretHeaderWords = []string{"auth", "key", "token", "secret", "session", "cookie", "password", "signature"}

// exchangeRedactor carries what redacting one exchange needs to know.
type exchangeRedactor struct {
	scrub        *Redactor
	headers      map[string]bool // canonical names the profile adds
	secretFields map[string]bool // lower-case field names
}

// exchangeRedactor returns a redactor for the scenario's exchanges: the
// target's extra headers and login password field count as secret.
func (st *scenario) exchangeRedactor() exchangeRedactor {
	t := st.suite.target
	er := exchangeRedactor{scrub: st.redact, headers: map[string]bool{}, secretFields: secretFields}
	for k := range t.Headers {
		er.headers[http.CanonicalHeaderKey(k)] = true
	}
	if f := strings.ToLower(t.LoginPasswordField); f != "" && !secretFields[f] {
		er.secretFields = map[string]bool{f: true}
		for k := range secretFields {
			er.secretFields[k] = true
		}
	}
	return er
}

// record returns the redacted record of ex.
func (er exchangeRedactor) record(ex *exchange) *Exchange {
	target := ex.uri
	if target == "" {
		target = ex.path
	}
	proto := ex.proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	e := &Exchange{
		Request:       ex.method + " " + er.scrub.Scrub(er.query(target)) + " " + proto,
		RequestHeader: er.requestHeader(ex.reqHeader),
		RequestBody:   er.body(ex.reqBody),
		Status:        ex.status,
	}
	if ex.status == 0 {
		e.NoResponse = er.scrub.Scrub(ex.noResponse)
		return e
	}
	e.StatusLine = fmt.Sprintf("%s %d %s", proto, ex.status, http.StatusText(ex.status))
	e.ResponseHeader = er.responseHeader(ex.header)
	e.ResponseBody, e.Truncated = truncate(er.body(string(ex.body)), MaxExchangeBody)
	return e
}

func (er exchangeRedactor) requestHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		k = http.CanonicalHeaderKey(k)
		for _, v := range vs {
			switch {
			case k == "Authorization" || k == "Proxy-Authorization":
				v = redactCredentials(v)
			case er.headers[k] || secretHeader(k):
				v = Fingerprint(v)
			}
			out[k] = append(out[k], er.scrub.Scrub(v))
		}
	}
	return out
}

func (er exchangeRedactor) responseHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		k = http.CanonicalHeaderKey(k)
		for _, v := range vs {
			if k == "Set-Cookie" {
				v = redactCookie(v)
			}
			out[k] = append(out[k], er.scrub.Scrub(v))
		}
	}
	return out
}

// redactCredentials keeps the scheme of an Authorization value (RFC 9110
// §11.4) and fingerprints the credentials after it. Everything else is
// kept byte for byte, the scheme's case and the spacing included: a check
// such as B08 is about exactly that shape, and its report must show it.
func redactCredentials(v string) string {
	body := strings.TrimLeft(v, " \t")
	lead := v[:len(v)-len(body)]
	trimmed := strings.TrimRight(body, " \t")
	trail := body[len(trimmed):]
	end := strings.IndexAny(trimmed, " \t")
	if end < 0 {
		if authSchemes[strings.ToLower(trimmed)] {
			return v // a bare scheme such as "Bearer" carries nothing
		}
		return Fingerprint(v) // a credential without a scheme
	}
	scheme, rest := trimmed[:end], trimmed[end:]
	creds := strings.TrimLeft(rest, " \t")
	gap := rest[:len(rest)-len(creds)]
	return lead + scheme + gap + Fingerprint(creds) + trail
}

// authSchemes are the HTTP authentication schemes a bare Authorization
// value may name without carrying a credential.
var authSchemes = map[string]bool{
	"bearer": true, "basic": true, "digest": true, "dpop": true, "token": true,
	"negotiate": true, "mac": true, "hoba": true,
}

// redactCookie keeps a Set-Cookie's name and attributes and fingerprints
// its value.
func redactCookie(v string) string {
	pair, attrs, _ := strings.Cut(v, ";")
	name, value, ok := strings.Cut(pair, "=")
	if !ok {
		return Fingerprint(v)
	}
	out := name + "=" + Fingerprint(value)
	if attrs != "" {
		out += ";" + attrs
	}
	return out
}

func secretHeader(name string) bool {
	lower := strings.ToLower(name)
	for _, w := range secretHeaderWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// query redacts the secret parameters of a request target's query.
func (er exchangeRedactor) query(target string) string {
	path, q, ok := strings.Cut(target, "?")
	if !ok {
		return target
	}
	return path + "?" + er.form(q)
}

// body redacts a request or response body: the secret fields of a form or
// a JSON document, then every secret the scenario knows.
func (er exchangeRedactor) body(s string) string {
	if s == "" {
		return s
	}
	switch {
	case len(s) > maxParsedBody:
		// Too big to parse for a report: the scrub still hides every
		// known secret and JWT.
	case json.Valid([]byte(s)):
		s = er.jsonBody(s)
	case !strings.ContainsAny(s, " \n\t") && strings.Contains(s, "="):
		s = er.form(s)
	}
	return er.scrub.Scrub(s)
}

// form fingerprints the values of secret fields in an
// application/x-www-form-urlencoded text, keeping the order of the fields
// and any malformed part as it came.
func (er exchangeRedactor) form(s string) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if er.secretFields[strings.ToLower(name)] {
			if plain, err := url.QueryUnescape(v); err == nil {
				v = plain
			}
			parts[i] = k + "=" + Fingerprint(v)
		}
	}
	return strings.Join(parts, "&")
}

// jsonBody fingerprints every string value of a secret field, at any
// depth. A document without one is returned as it came; one with one is
// re-encoded compactly, its keys sorted.
func (er exchangeRedactor) jsonBody(s string) string {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return s
	}
	if !er.redactJSON(v) {
		return s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return s
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// redactJSON replaces secret string values in v and says whether it did.
func (er exchangeRedactor) redactJSON(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && er.secretFields[strings.ToLower(k)] {
				x[k] = Fingerprint(s)
				changed = true
				continue
			}
			changed = er.redactJSON(val) || changed
		}
	case []any:
		for _, val := range x {
			changed = er.redactJSON(val) || changed
		}
	}
	return changed
}

// truncate cuts s to at most limit bytes on a rune boundary and says how
// many bytes it cut.
func truncate(s string, limit int) (string, int) {
	if len(s) <= limit {
		return s, 0
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], len(s) - cut
}
