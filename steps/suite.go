package steps

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cucumber/godog"
	"github.com/go-resty/resty/v2"
	"github.com/tidwall/gjson"

	"github.com/authconform/authconform/steps/jwtforge"
)

// Suite is the state shared by every scenario of one run against one
// target: the HTTP client, a cache of the valid user's access token and
// every secret learnt in the run. Scenario state lives in a scenario of its
// own.
type Suite struct {
	target Target
	// declared is the capabilities as the profile gave them, before the
	// probe filled in the unknown ones: a skip says which said so.
	declared Capabilities
	http     *resty.Client
	// secrets knows every secret of the run: the profile's, and every
	// token any scenario, the probe or the preflight obtained.
	secrets Redactor
	// signKey is the profile's signing key as jwtforge.Mint takes it,
	// parsed once by New; nil when the profile gives none.
	signKey any

	mu       sync.Mutex
	token    string
	tokenExp time.Time

	sampleOnce sync.Once // the probe's login, which minting also needs
	sampleErr  error

	probeOnce sync.Once
	probeErr  error
	probe     probe // what Probe found; read-only once it returns

	mintOnce sync.Once
	mintErr  error // why keyed checks are inconclusive, if they are

	attackerOnce sync.Once
	attacker     *jwtforge.Attacker
	keyServer    *jwtforge.KeyServer
	attackerErr  error

	inflight atomic.Int64 // forgery scenarios running, for the persistence check
}

// New validates t and prepares a suite for it.
func New(t Target) (*Suite, error) {
	t, err := t.withDefaults()
	if err != nil {
		return nil, err
	}
	var signKey any
	if k := t.SigningKey; k != nil {
		// An unusable key is the profile's problem, not the target's: say so
		// now rather than fail every check that mints a token.
		if signKey, err = jwtforge.SigningKey(k.Alg, k.Key.Reveal()); err != nil {
			return nil, fmt.Errorf("target: %w", err)
		}
	}
	hc := t.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	client := resty.NewWithClient(hc).
		SetBaseURL(t.BaseURL).
		SetTimeout(t.Timeout).
		SetHeaders(t.Headers).
		SetLogger(quietLogger{}).
		SetDisableWarn(true).
		// B10 sends a form body with a GET, which resty drops by default.
		SetAllowGetMethodPayload(true).
		// The harness reports what the target answers; it never follows a
		// redirect, so credentials are never sent to another host.
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}))
	s := &Suite{target: t, declared: t.Capabilities, http: client, signKey: signKey}
	s.learnProfileSecrets()
	return s, nil
}

// learnProfileSecrets registers every secret of the profile with the
// suite's redactor.
func (s *Suite) learnProfileSecrets() {
	t := s.target
	s.secrets.Add(t.Password.Reveal(), t.ClientSecret.Reveal(), t.ResourceClientSecret.Reveal(),
		t.SecondClientSecret.Reveal())
	for _, v := range t.Headers {
		// A header of the profile may be an API gateway key.
		s.secrets.Add(v)
	}
	if k := t.SigningKey; k != nil {
		s.secrets.Add(k.Key.Reveal())
	}
	for _, u := range []*Credentials{t.SecondUser, t.ScopedUser} {
		if u != nil {
			s.secrets.Add(u.Password.Reveal())
		}
	}
	// HTTP Basic credentials travel as one base64 string, which a target
	// that echoes its Authorization header would reveal whole.
	for _, c := range [][2]string{
		{t.ClientID, t.ClientSecret.Reveal()},
		{t.ResourceClientID, t.ResourceClientSecret.Reveal()},
		{t.SecondClientID, t.SecondClientSecret.Reveal()},
	} {
		if c[1] != "" {
			s.secrets.Add(basicCredential(url.QueryEscape(c[0]), url.QueryEscape(c[1])),
				basicCredential(c[0], c[1]))
		}
	}
}

// basicCredential is the credential of an HTTP Basic Authorization header
// (RFC 7617 §2).
func basicCredential(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

// Close releases the suite's idle connections.
func (s *Suite) Close() {
	s.http.GetClient().CloseIdleConnections()
	if s.keyServer != nil {
		s.keyServer.Close()
	}
}

// Target returns the suite's target with its defaults filled in.
func (s *Suite) Target() Target { return s.target }

// InitializeScenario registers every step for one scenario. godog calls it
// once per scenario, so the state it creates is the scenario's own.
func (s *Suite) InitializeScenario(sc *godog.ScenarioContext) {
	st := s.newScenario()
	sc.Before(s.skipUnmetNeeds)
	sc.Before(st.countForgery)
	sc.After(st.uncountForgery)
	register(sc, st)
}

// newScenario returns fresh scenario state whose redactor is the suite's.
func (s *Suite) newScenario() *scenario {
	return &scenario{suite: s, marker: newMarker(), redact: &s.secrets}
}

// scenario is the state of one running scenario.
type scenario struct {
	suite  *Suite
	marker string    // unique per scenario, for values that must not collide
	redact *Redactor // the suite's: what one scenario learns, all scrub
	token  string    // the access token the scenario works with
	last   *exchange // the latest request and its response

	counted bool          // counted in Suite.inflight
	forged  []forgery     // tokens to present, with what each claims to be
	answers []answer      // what the target said to each forged token
	own     loginResult   // the scenario's own login, for refresh and revocation
	seen    []*exchange   // responses a multi-request step collected
	timings []loginTiming // T07's unknown user, then wrong password
}

// exchange is one request and the response it got, unredacted: it stays
// in the scenario, and Exchange is the form that leaves it.
type exchange struct {
	method    string
	path      string      // as the step asked, relative to the base URL
	uri       string      // the request target sent, base path included
	reqHeader http.Header // as sent, the suite's headers included
	reqBody   string
	proto     string // of the response, such as HTTP/1.1
	status    int
	header    http.Header
	body      []byte
	latency   time.Duration
	// noResponse, when status is 0, says why no response came, such as
	// "timeout after 10s"; timedOut is whether it was the timeout.
	noResponse string
	timedOut   bool
}

// CheckError is a step's finding that the target did not answer as the
// check expects. Its fields are already redacted.
type CheckError struct {
	Method   string // of the request that got the unexpected answer
	Path     string
	Status   int
	Expected string
	Got      string
	// Exchange is the redacted request and response, nil for a finding
	// that no single exchange shows (a decoded token, a connection).
	Exchange *Exchange
}

func (e *CheckError) Error() string {
	return fmt.Sprintf("%s: expected %s, got %s", RequestLine(e.Method, e.Path, e.Status, e.Exchange), e.Expected, e.Got)
}

// RequestLine names what a finding is about, for a report: a request and
// the status it got ("GET /secure-data → 401"), a request that got none
// ("GET /secure-data: no response (timeout after 10s)"), or a finding that
// sent nothing, such as "offline (the access token's signature)".
func RequestLine(method, path string, status int, ex *Exchange) string {
	switch {
	case status != 0:
		return fmt.Sprintf("%s %s → %d", method, path, status)
	case ex != nil:
		return method + " " + path + ": " + ex.noAnswer()
	}
	return method + " " + path
}

// MaxFindingValue is how many bytes of an expected or got value a
// CheckError keeps; a target's header or body can be kilobytes long, and
// its Exchange keeps more of it.
const MaxFindingValue = 200

// clip cuts a finding's value to MaxFindingValue bytes.
func clip(s string) string {
	cut, n := truncate(s, MaxFindingValue)
	if n == 0 {
		return s
	}
	return fmt.Sprintf("%s…[%d more bytes]", cut, n)
}

// mismatch reports that the latest response did not meet an expectation.
func (st *scenario) mismatch(expected, got string) error {
	if st.last == nil {
		return fmt.Errorf("expected %s, but no request was sent in this scenario", clip(st.redact.Scrub(expected)))
	}
	return &CheckError{
		Method:   st.last.method,
		Path:     st.redact.Scrub(st.suite.shownPath(st.last.path)),
		Status:   st.last.status,
		Expected: clip(st.redact.Scrub(expected)),
		Got:      clip(st.redact.Scrub(got)),
		Exchange: st.exchangeRedactor().record(st.last),
	}
}

// shownPath returns a request's path as a report prints it. Most requests
// go to a path relative to the base URL; one to an endpoint the metadata
// names (D09's introspection endpoint) goes to an absolute URL, which is
// shown like the others: relative to the base URL when under it, as its
// path when elsewhere on the target's host, and in full only on another
// host, where the host is news.
func (s *Suite) shownPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || !u.IsAbs() {
		return p
	}
	base, err := url.Parse(s.target.BaseURL)
	if err != nil || !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
		return p
	}
	if rest, ok := strings.CutPrefix(u.RequestURI(), base.EscapedPath()); ok && base.EscapedPath() != "" &&
		(rest == "" || rest[0] == '/' || rest[0] == '?') {
		if rest == "" || rest[0] == '?' {
			rest = "/" + rest
		}
		return rest
	}
	return u.RequestURI()
}

// request is one HTTP request to send to the target.
type request struct {
	method string
	path   string // relative to the base URL, query included
	header http.Header
	form   string // raw application/x-www-form-urlencoded body, if any
	body   string // any other body; set its Content-Type in header
	// basicUser and basicPass, when basicUser is set, are sent as HTTP
	// Basic authentication (RFC 6749 §2.3.1).
	basicUser, basicPass string
}

// send performs r and records the exchange as the scenario's latest.
func (st *scenario) send(ctx context.Context, r request) error {
	req := st.suite.http.R().SetContext(ctx)
	for k, vs := range r.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if r.form != "" {
		req.SetHeader("Content-Type", "application/x-www-form-urlencoded").SetBody(r.form)
	}
	if r.body != "" {
		req.SetBody(r.body)
	}
	if r.basicUser != "" {
		req.SetBasicAuth(r.basicUser, r.basicPass)
	}
	resp, err := req.Execute(r.method, r.path)
	if err != nil {
		return st.noResponse(r, err)
	}
	st.last = &exchange{
		method:  r.method,
		path:    r.path,
		reqBody: r.form + r.body,
		status:  resp.StatusCode(),
		header:  resp.Header(),
		body:    resp.Body(),
		latency: resp.Time(),
	}
	if raw := resp.Request.RawRequest; raw != nil {
		st.last.uri, st.last.reqHeader = raw.URL.RequestURI(), raw.Header.Clone()
		st.last.reqHeader.Set("Host", raw.URL.Host)
	}
	if raw := resp.RawResponse; raw != nil {
		st.last.proto = raw.Proto
	}
	st.learnTokens(st.last.body)
	return nil
}

// tokenFields are the fields of a token response (RFC 6749 §5.1, OpenID
// Connect Core §3.1.3.3, RFC 8693 §2.2.1) whose values are credentials.
var tokenFields = []string{"access_token", "refresh_token", "id_token"}

// learnTokens registers every token in a JSON response body with the
// suite's redactor, whichever step asked for it, so that no report shows
// it even when the target echoes it to a scenario that never held it.
func (st *scenario) learnTokens(body []byte) {
	if len(body) > maxParsedBody || !gjson.ValidBytes(body) {
		return
	}
	for _, r := range gjson.GetManyBytes(body, tokenFields...) {
		if r.Type == gjson.String {
			st.redact.Add(r.String())
		}
	}
}

// noResponse records r as the scenario's latest exchange, one that got no
// response, and returns the finding that says so: a check that expects an
// answer fails with its expected value and references like any other.
func (st *scenario) noResponse(r request, err error) error {
	ex := &exchange{method: r.method, path: r.path, reqBody: r.form + r.body}
	ex.noResponse, ex.timedOut = st.transportError(err)
	st.last = ex
	return st.mismatch(fmt.Sprintf("an answer within %s", st.suite.target.Timeout), "none")
}

// transportError describes a failure to get any response, without the
// full URL that net/http puts in its errors, and says whether the request
// timed out.
func (st *scenario) transportError(err error) (string, bool) {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Sprintf("timeout after %s", st.suite.target.Timeout), true
		}
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("timeout after %s", st.suite.target.Timeout), true
	}
	return err.Error(), false
}

// json returns the JSON value at path in the latest response body, using
// gjson path syntax.
func (st *scenario) json(path string) gjson.Result {
	if st.last == nil || !gjson.ValidBytes(st.last.body) {
		return gjson.Result{}
	}
	return gjson.GetBytes(st.last.body, path)
}

// accessToken returns a valid access token for the target's user, from the
// suite's cache while it has more than a minute to live. Scenarios that only
// read with a token share it; scenarios that must own theirs log in afresh.
func (s *Suite) accessToken(ctx context.Context, st *scenario) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && time.Until(s.tokenExp) > time.Minute {
		st.redact.Add(s.token)
		return s.token, nil
	}
	token, lifetime, err := st.login(ctx)
	if err != nil {
		return "", err
	}
	s.token, s.tokenExp = token, time.Now().Add(lifetime)
	return token, nil
}

// login gets a fresh access token with the target's valid credentials.
func (st *scenario) login(ctx context.Context) (string, time.Duration, error) {
	if err := st.send(ctx, st.passwordGrant(nil)); err != nil {
		return "", 0, err
	}
	if st.last.status != http.StatusOK {
		return "", 0, st.mismatch("status 200 for the valid user's login", statusText(st.last.status))
	}
	token := st.json("access_token")
	if token.Type != gjson.String || token.String() == "" {
		return "", 0, st.mismatch(`a JSON string "access_token" in the login response`, st.describe(token))
	}
	lifetime := time.Duration(st.json("expires_in").Int()) * time.Second
	if lifetime <= 0 {
		lifetime = 5 * time.Minute // unknown: assume short, so the cache renews often
	}
	st.redact.Add(token.String())
	return token.String(), lifetime, nil
}

// passwordGrant builds an RFC 6749 §4.3.2 token request with the valid
// credentials, changed by edit (which may be nil).
func (st *scenario) passwordGrant(edit func(url.Values)) request {
	form := url.Values{
		"grant_type": {"password"},
		"username":   {st.suite.target.Username},
		"password":   {st.suite.target.Password.Reveal()},
	}
	if edit != nil {
		edit(form)
	}
	return st.tokenRequest(form)
}

// tokenRequest builds a POST of form to the token endpoint with the
// target's client authentication (RFC 6749 §2.3.1).
func (st *scenario) tokenRequest(form url.Values) request {
	r := request{method: http.MethodPost, path: st.suite.target.TokenPath}
	t := st.suite.target
	switch t.ClientAuth {
	case ClientAuthBasic:
		r.basicUser, r.basicPass = url.QueryEscape(t.ClientID), url.QueryEscape(t.ClientSecret.Reveal())
	case ClientAuthPost:
		if !form.Has("client_id") {
			form.Set("client_id", t.ClientID)
			form.Set("client_secret", t.ClientSecret.Reveal())
		}
	}
	r.form = form.Encode()
	return r
}

// expand replaces the placeholders a feature may use in a value: {token},
// {username}, {password} and {marker}. escape encodes each substituted
// value, for form bodies and query strings.
func (st *scenario) expand(s string, escape func(string) string) string {
	if escape == nil {
		escape = func(v string) string { return v }
	}
	return strings.NewReplacer(
		"{token}", escape(st.token),
		"{username}", escape(st.suite.target.Username),
		"{password}", escape(st.suite.target.Password.Reveal()),
		"{marker}", escape(st.marker),
	).Replace(s)
}

func newMarker() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "ac" + hex.EncodeToString(b)
}

// madeUpSecret returns prefix and the scenario's marker, a password or
// client secret the scenario invents, and registers it with the suite's
// redactor: a report shows it fingerprinted wherever it appears, so a
// target that echoes it is shown consistently with the request that sent
// it.
func (st *scenario) madeUpSecret(prefix string) string {
	v := prefix + st.marker
	st.redact.Add(v)
	return v
}

func statusText(code int) string {
	return fmt.Sprintf("status %d", code)
}

// describe renders a JSON value of the latest response for a failure
// message; a field missing because the body is not JSON says so, with its
// content type.
func (st *scenario) describe(r gjson.Result) string {
	if !r.Exists() && st.last != nil && st.last.status != 0 && !gjson.ValidBytes(st.last.body) {
		ct := st.last.header.Get("Content-Type")
		if ct == "" {
			ct = "none"
		}
		if len(st.last.body) == 0 {
			return "an empty body (Content-Type " + ct + ")"
		}
		return "a body that is not JSON (Content-Type " + ct + ")"
	}
	return describe(r)
}

// describe renders a JSON value found in a response for a failure message.
//
// It does not shorten the value: a cut secret would no longer match the
// redactor. mismatch scrubs every finding first and then bounds its length.
func describe(r gjson.Result) string {
	if !r.Exists() {
		return "no such field"
	}
	return r.Raw
}

// quietLogger keeps resty from writing to stderr; the steps report through
// their errors only.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
