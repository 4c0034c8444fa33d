package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/steps/jwtforge"
)

// forgery is one token a scenario presents, with what it claims to be.
type forgery struct {
	what  string // "alg none, signature kept", for failure messages
	token string
}

// answer is what the target said to one forgery: ex is its response, or
// nil when none came, and then lost is the request that got none.
type answer struct {
	forgery
	ex   *exchange
	lost *exchange
}

// ErrInconclusive wraps godog.ErrSkip for a check whose precondition does
// not hold, so that its verdict would mean nothing.
var ErrInconclusive = fmt.Errorf("%w: inconclusive", godog.ErrSkip)

// forgeryTag marks the scenarios whose requests might make a target lock
// the valid user out; the persistence check waits for them.
const forgeryTag = "@forgery"

func hasTag(sc *godog.Scenario, name string) bool {
	for _, t := range sc.Tags {
		if t.Name == name {
			return true
		}
	}
	return false
}

// countForgery and uncountForgery track the forgery scenarios in flight
// (CHECKS.md B01: persistence after every negative group).
func (st *scenario) countForgery(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	if hasTag(sc, forgeryTag) && !hasTag(sc, "@persistence") && !hasTag(sc, "@needs-wait") {
		st.counted = true
		st.suite.inflight.Add(1)
	}
	return ctx, nil
}

func (st *scenario) uncountForgery(ctx context.Context, _ *godog.Scenario, _ error) (context.Context, error) {
	if st.counted {
		st.counted = false
		st.suite.inflight.Add(-1)
	}
	return ctx, nil
}

// sample returns the parsed access token the probe captured.
func (st *scenario) sample() (*jwtforge.Token, error) {
	if st.suite.probe.sample == nil {
		return nil, fmt.Errorf("%w: the target's access tokens are not JWTs", ErrUnmetNeed)
	}
	return st.suite.probe.sample, nil
}

// current parses the scenario's valid access token, which forgeries start
// from so that they carry live claims.
func (st *scenario) current(ctx context.Context) (*jwtforge.Token, error) {
	if st.token == "" {
		if err := st.aValidAccessToken(ctx); err != nil {
			return nil, err
		}
	}
	t, err := jwtforge.Parse(st.token)
	if err != nil {
		return nil, fmt.Errorf("%w: the target's access token is not a JWT (%v)", ErrUnmetNeed, err)
	}
	return t, nil
}

func (st *scenario) forge(what, token string) {
	st.redact.Add(token)
	st.forged = append(st.forged, forgery{what: what, token: token})
}

// theValidTokenStillWorks is the persistence check of jwt_tool's prescan:
// before each forgery, the valid token must still open the resource. If it
// does not, the target has started refusing everyone (a lockout or rate
// limit), and the check that follows could only give a false verdict.
func (st *scenario) theValidTokenStillWorks(ctx context.Context) error {
	if err := st.aValidAccessToken(ctx); err != nil {
		return err
	}
	if err := st.callWithToken(ctx); err != nil {
		return err
	}
	if st.last.status != http.StatusOK {
		return fmt.Errorf("%w: the valid access token is now refused with %s: the target may be locking out or rate-limiting after the forgeries",
			ErrInconclusive, st.lastStatus())
	}
	return nil
}

// everyForgeryPresented waits until no other forgery scenario is running,
// so that the persistence check that follows sees their combined effect.
func (st *scenario) everyForgeryPresented(ctx context.Context) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for st.suite.inflight.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// thePersistenceCheckPasses is B01 after the forgeries: unlike the
// Background step, a refusal here is the check's failure.
func (st *scenario) theValidTokenShouldStillOpenTheResource(ctx context.Context) error {
	if err := st.aValidAccessToken(ctx); err != nil {
		return err
	}
	if err := st.callWithToken(ctx); err != nil {
		return err
	}
	if st.last.status != http.StatusOK {
		return st.mismatch("status 200 for the valid access token after the forgeries (no lockout or rate limit)", st.lastStatus())
	}
	return nil
}

// presentForgedTokens sends every forged token as a bearer token to the
// protected resource.
func (st *scenario) presentForgedTokens(ctx context.Context) error {
	if len(st.forged) == 0 {
		return errors.New("no forged token in this scenario: start it with a Given that forges one")
	}
	for _, f := range st.forged {
		err := st.send(ctx, request{
			method: st.suite.target.ProtectedMethod,
			path:   st.suite.target.ProtectedPath,
			header: http.Header{"Authorization": {"Bearer " + f.token}},
		})
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			st.answers = append(st.answers, answer{forgery: f, lost: st.last})
			continue
		}
		st.answers = append(st.answers, answer{forgery: f, ex: st.last})
	}
	return nil
}

// refusal says whether an answer refuses a token and, if not, what it is.
// A token is refused with 401, or 400 for a malformed request (RFC 6750
// §3.1); tolerateSize also accepts a connection the target closed and the
// statuses for an oversized request.
func refusal(a answer, tolerateSize bool) (ok bool, got string) {
	if a.ex == nil {
		return tolerateSize, "no answer (" + a.lost.noResponse + ")"
	}
	got = statusText(a.ex.status)
	switch s := a.ex.status; {
	case s == http.StatusUnauthorized, s == http.StatusBadRequest:
		return true, got
	case tolerateSize && (s == http.StatusRequestEntityTooLarge || s == http.StatusRequestURITooLong ||
		s == http.StatusRequestHeaderFieldsTooLarge):
		return true, got
	case s >= 200 && s < 300:
		return false, got + ": the forged token was accepted"
	case s >= 500:
		return false, got + ": a server error"
	}
	return false, got
}

func (st *scenario) forgedTokensShouldBeRefused() error { return st.checkRefused(false) }

func (st *scenario) malformedTokensShouldBeRefused() error { return st.checkRefused(true) }

func (st *scenario) checkRefused(tolerateSize bool) error {
	if len(st.answers) == 0 {
		return errors.New("no forged token was presented in this scenario")
	}
	for _, a := range st.answers {
		if ok, got := refusal(a, tolerateSize); !ok {
			st.last = a.ex
			if st.last == nil {
				st.last = a.lost
			}
			return st.mismatch("401 for a token "+a.what, got)
		}
	}
	return nil
}

// answersShouldComeWithin checks the latency of every answer: a delay close
// to a sleep a kid injection asked for means a shell ran it (jwt_tool flags
// ten seconds; CHECKS.md F12, X06). A forgery that got no answer before
// the timeout fails too: that is the very symptom. A connection the target
// closed at once is an answer, however rude.
func (st *scenario) answersShouldComeWithin(seconds int) error {
	limit := time.Duration(seconds) * time.Second
	for _, a := range st.answers {
		if a.ex == nil && a.lost.timedOut {
			st.last = a.lost
			return st.mismatch(fmt.Sprintf("an answer within %ds to a token %s", seconds, a.what), "none")
		}
		if a.ex != nil && a.ex.latency >= limit {
			st.last = a.ex
			return st.mismatch(fmt.Sprintf("an answer within %ds to a token %s", seconds, a.what), a.ex.latency.Round(time.Millisecond).String())
		}
	}
	return nil
}

// noAnswerShouldEchoTheMarker checks that no claim of a forged token came
// back in a response: a target that echoes it processed the claims before
// verifying the signature (jwt_tool's claim processing check; F14).
func (st *scenario) noAnswerShouldEchoTheMarker() error {
	for _, a := range st.answers {
		if a.ex != nil && strings.Contains(string(a.ex.body)+fmt.Sprint(a.ex.header), st.marker) {
			st.last = a.ex
			return st.mismatch("no trace of the injected claims in the answer to a token "+a.what, "the marker echoed back")
		}
	}
	return nil
}
