package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/tidwall/gjson"

	"github.com/authconform/authconform/steps/jwtforge"
)

// maxExpiresIn is the largest plausible expires_in, one year: anything
// larger is likely milliseconds (the OIDF suite's heuristic; CHECKS.md T04).
const maxExpiresIn = 31536000

func (st *scenario) requestTokenWithRepeatedPassword(ctx context.Context) error {
	return st.send(ctx, st.passwordGrant(func(f url.Values) { f.Add("password", f.Get("password")) }))
}

func (st *scenario) requestTokenWithGET(ctx context.Context) error {
	r := st.passwordGrant(nil)
	return st.send(ctx, request{method: http.MethodGet, path: r.path + "?" + r.form,
		basicUser: r.basicUser, basicPass: r.basicPass})
}

func (st *scenario) requestTokenWithJSON(ctx context.Context) error {
	t := st.suite.target
	body, err := json.Marshal(map[string]string{
		"grant_type": "password", "username": t.Username, "password": t.Password.Reveal(),
	})
	if err != nil {
		return err
	}
	return st.send(ctx, request{method: http.MethodPost, path: t.TokenPath, body: string(body),
		header: http.Header{"Content-Type": {"application/json"}}})
}

func (st *scenario) requestTokenWithWrongClientSecret(ctx context.Context, where string) error {
	t := st.suite.target
	form := url.Values{"grant_type": {"password"}, "username": {t.Username}, "password": {t.Password.Reveal()}}
	r := request{method: http.MethodPost, path: t.TokenPath}
	switch where {
	case "the Authorization header":
		r.basicUser, r.basicPass = url.QueryEscape(t.ClientID), st.madeUpSecret("wrong-")
	case "the body":
		form.Set("client_id", t.ClientID)
		form.Set("client_secret", st.madeUpSecret("wrong-"))
	default:
		return fmt.Errorf("unknown place %q: use \"the Authorization header\" or \"the body\"", where)
	}
	r.form = form.Encode()
	return st.send(ctx, r)
}

func (st *scenario) requestTokenForScope(ctx context.Context, scope string) error {
	scope = st.expand(scope, nil)
	return st.send(ctx, st.passwordGrant(func(f url.Values) { f.Set("scope", scope) }))
}

func (st *scenario) statusShouldBeEither(a, b int) error {
	return st.statusShouldBeIn([]int{a, b}, fmt.Sprintf("status %d or %d", a, b))
}

// statusShouldBeIn checks the latest status against the accepted codes;
// expected names them for the finding.
func (st *scenario) statusShouldBeIn(want []int, expected string) error {
	if st.last == nil || !slices.Contains(want, st.last.status) {
		return st.mismatch(expected, st.lastStatus())
	}
	return nil
}

// noAccessTokenShouldBeIssued is the refusal of a request that must not
// yield a token, whatever the status.
func (st *scenario) noAccessTokenShouldBeIssued() error {
	if st.last == nil {
		return st.mismatch("no access token", "no response")
	}
	if st.last.status >= 200 && st.last.status < 300 && st.json("access_token").Exists() {
		return st.mismatch("no access token", st.lastStatus())
	}
	if st.last.status >= 500 {
		return st.mismatch("a 4xx refusal", st.lastStatus())
	}
	return nil
}

// theRequestedScopeShouldBeRefusedOrNarrowed accepts invalid_scope, or a
// token whose response names the scope it was really issued with (RFC 6749
// §3.3, §5.1: scope is required when it differs from the request).
func (st *scenario) theRequestedScopeShouldBeRefusedOrNarrowed() error {
	if st.last != nil && st.last.status == http.StatusBadRequest && st.json("error").String() == "invalid_scope" {
		return nil
	}
	if st.last == nil || st.last.status != http.StatusOK {
		return st.mismatch(`400 with error "invalid_scope", or 200 naming the granted scope`, st.lastStatus())
	}
	scope := st.json("scope")
	if scope.Type != gjson.String {
		return st.mismatch(`a "scope" field naming the scope actually granted (RFC 6749 §3.3)`, "no scope field")
	}
	if containsWord(scope.String(), "nonexistent-"+st.marker) {
		return st.mismatch("the unknown scope refused", "it was granted")
	}
	return nil
}

// theTokenResponseShouldDeclareAPlausibleLifetime is T04.
func (st *scenario) theTokenResponseShouldDeclareAPlausibleLifetime() error {
	e := st.json("expires_in")
	if e.Type != gjson.Number || e.Float() <= 0 || e.Float() > maxExpiresIn {
		return st.mismatch(fmt.Sprintf("expires_in a number in (0, %d]", maxExpiresIn), st.describe(e))
	}
	t, err := jwtforge.Parse(st.json("access_token").String())
	if err != nil {
		return nil // an opaque token: nothing more to compare
	}
	exp, okE := numericClaim(t.Claims, "exp")
	iat, okI := numericClaim(t.Claims, "iat")
	if okE && okI && math.Abs(float64(exp-iat)-e.Float()) > 5 {
		return st.mismatch(fmt.Sprintf("exp − iat within 5 s of expires_in %d", e.Int()), fmt.Sprintf("%d s", exp-iat))
	}
	return nil
}

// theAccessTokenShouldUseOnlyVisibleASCII is the syntax half of T05 (RFC
// 6749 Appendix A.12: %x20-7E).
func (st *scenario) theAccessTokenShouldUseOnlyVisibleASCII() error {
	tok := st.json("access_token").String()
	for i := 0; i < len(tok); i++ {
		if tok[i] < 0x20 || tok[i] > 0x7e {
			return st.mismatch("an access_token of characters %x20-7E only", fmt.Sprintf("byte 0x%02x at %d", tok[i], i))
		}
	}
	return nil
}

// anOpaqueTokenShouldBeUnguessable estimates the entropy of an opaque token
// from its length and alphabet (RFC 6749 §10.10; CHECKS.md T05). JWTs are
// skipped: their strength is their signature's.
func (st *scenario) anOpaqueTokenShouldBeUnguessable(bits int) error {
	tok := st.json("access_token").String()
	if _, err := jwtforge.Parse(tok); err == nil {
		return fmt.Errorf("%w: the access token is a JWT; its signature, not its length, makes it unguessable", ErrUnmetNeed)
	}
	alphabet := map[byte]bool{}
	for i := 0; i < len(tok); i++ {
		alphabet[tok[i]] = true
	}
	est := float64(len(tok)) * math.Log2(float64(max(len(alphabet), 2)))
	if est < float64(bits) {
		return st.mismatch(fmt.Sprintf("at least %d bits of estimated entropy", bits), fmt.Sprintf("about %.0f bits", est))
	}
	return nil
}

// loginTiming is one side of T07: its answer and its fastest latency.
type loginTiming struct {
	ex      *exchange // the last answer, which the finding shows
	status  int
	code    string
	latency time.Duration
}

// timingSamples is how many logins T07 times on each side.
const timingSamples = 5

// compareUnknownUserAndWrongPassword times both kinds of refused login,
// alternating between them so that a slow moment of the machine touches
// both alike.
func (st *scenario) compareUnknownUserAndWrongPassword(ctx context.Context) error {
	unknown := st.passwordGrant(func(f url.Values) {
		f.Set("username", "nonexistent-"+st.marker)
		f.Set("password", st.madeUpSecret("x-"))
	})
	wrong := st.passwordGrant(func(f url.Values) { f.Set("password", st.madeUpSecret("wrong-")) })
	timings, err := st.timeLogins(ctx, unknown, wrong)
	if err != nil {
		return err
	}
	st.timings = timings
	return nil
}

// timeLogins sends each request timingSamples times, alternating between
// them, so that a burst of load on the runner or the target (other
// scenarios run at the same time) falls on both sides alike, and returns
// each one's last answer and fastest latency: load, scheduling and garbage
// collection only ever add to a latency, so the minimum is the closest to
// what the target itself takes.
func (st *scenario) timeLogins(ctx context.Context, reqs ...request) ([]loginTiming, error) {
	lat := make([][]time.Duration, len(reqs))
	timings := make([]loginTiming, len(reqs))
	for range timingSamples {
		for i, r := range reqs {
			if err := st.send(ctx, r); err != nil {
				return nil, err
			}
			lat[i] = append(lat[i], st.last.latency)
			timings[i] = loginTiming{ex: st.last, status: st.last.status, code: st.json("error").String()}
		}
	}
	for i := range timings {
		timings[i].latency = slices.Min(lat[i])
	}
	return timings, nil
}

// latencyTolerance is how far apart T07's two fastest latencies may be:
// 100 ms of jitter plus half the slower one. The minimum of alternating
// samples already shrugs off pauses, and the allowance covers a loaded
// two-core runner with 32 scenarios at once (seen: 174 ms against 4 ms for
// single samples, 483 ms against 132 ms for medians under the race
// detector). A fast path that skips the password hash for unknown users is
// still caught when the hash costs more than about 200 ms (bcrypt at cost
// 12 or more); a cheaper hash cannot be told from noise across a network.
func latencyTolerance(a, b time.Duration) time.Duration {
	return 100*time.Millisecond + max(a, b)/2
}

// errorDescriptionShouldBeSafe is T06's rule for the optional
// error_description of an RFC 6749 §5.2 error: %x20-21 / %x23-5B / %x5D-7E,
// so no quote, backslash or control character.
func (st *scenario) errorDescriptionShouldBeSafe() error {
	v := st.json("error_description")
	if !v.Exists() {
		return nil
	}
	s := v.String()
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\' {
			return st.mismatch("an error_description of %x20-21 / %x23-5B / %x5D-7E (RFC 6749 §5.2)",
				fmt.Sprintf("byte 0x%02x at offset %d", s[i], i))
		}
	}
	return nil
}

// bothRefusalsShouldLookTheSame is T07: the same status and error, and
// fastest latencies within latencyTolerance, so that a client cannot tell
// which users exist. The finding shows the unknown user's answer.
func (st *scenario) bothRefusalsShouldLookTheSame() error {
	if len(st.timings) != 2 {
		return fmt.Errorf("no logins were compared in this scenario")
	}
	unknown, wrong := st.timings[0], st.timings[1]
	st.last = unknown.ex
	if unknown.status != wrong.status || unknown.code != wrong.code {
		return st.mismatch(fmt.Sprintf("the unknown user answered like a wrong password (%d %q)", wrong.status, wrong.code),
			fmt.Sprintf("%d %q", unknown.status, unknown.code))
	}
	tolerance := st.suite.target.TimingTolerance
	if tolerance <= 0 {
		tolerance = latencyTolerance(unknown.latency, wrong.latency)
	}
	if (unknown.latency - wrong.latency).Abs() > tolerance {
		return st.mismatch("similar latency for an unknown user and a wrong password (no user enumeration)",
			fmt.Sprintf("at best %s versus %s over %d logins each", unknown.latency.Round(time.Millisecond),
				wrong.latency.Round(time.Millisecond), timingSamples))
	}
	return nil
}

// thePasswordGrantShouldNotBeOffered is T18: RFC 9700 §2.4 says the
// password grant MUST NOT be used, so a target that still offers it gets
// the warning.
func (st *scenario) thePasswordGrantShouldNotBeOffered() error {
	if st.last != nil && st.last.status == http.StatusOK && st.json("access_token").Exists() {
		return st.mismatch("no password grant (RFC 9700 §2.4: it MUST NOT be used)", "an access token for the password grant")
	}
	return nil
}

// bruteForce sends n wrong passwords in a row and records every answer
// (CHECKS.md T17, opt-in: it may lock the user out).
func (st *scenario) bruteForce(ctx context.Context, n int) error {
	for range n {
		if err := st.send(ctx, st.passwordGrant(func(f url.Values) { f.Set("password", st.madeUpSecret("wrong-")) })); err != nil {
			return err
		}
		st.seen = append(st.seen, st.last)
	}
	return nil
}

func (st *scenario) theTargetShouldHaveThrottled() error {
	var slowest time.Duration
	for _, ex := range st.seen {
		st.last = ex
		switch {
		case ex.status == http.StatusTooManyRequests || ex.status == http.StatusServiceUnavailable:
			return nil
		case ex.status >= 500:
			return st.mismatch("throttling (429 or 503) rather than a server error", st.lastStatus())
		}
		slowest = max(slowest, ex.latency)
	}
	if len(st.seen) > 0 && slowest > 2*st.seen[0].latency+time.Second {
		return nil // an added delay is throttling too
	}
	return st.mismatch(fmt.Sprintf("throttling after %d wrong passwords (429, 503 or an added delay)", len(st.seen)), st.lastStatus())
}

// theValidUserShouldLogInAfterTheCoolDown waits for Retry-After, within the
// profile's maximum wait, and logs in.
func (st *scenario) theValidUserShouldLogInAfterTheCoolDown(ctx context.Context) error {
	wait := time.Second
	if st.last != nil {
		if s, err := time.ParseDuration(st.last.header.Get("Retry-After") + "s"); err == nil {
			wait = s
		}
	}
	if wait > st.suite.target.MaxWait {
		return fmt.Errorf("%w: the cool-down of %s is longer than the maximum wait", ErrUnmetNeed, wait)
	}
	if err := st.waitUntil(ctx, time.Now().Add(wait), "T17 cool-down"); err != nil {
		return err
	}
	if err := st.send(ctx, st.passwordGrant(nil)); err != nil {
		return err
	}
	return st.statusShouldBe(http.StatusOK)
}
