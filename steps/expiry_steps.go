package steps

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cucumber/godog"
)

// expiryMargin is added to exp and the declared leeway before E01 presents
// the expired token, for clock resolution and request latency.
const expiryMargin = 5 * time.Second

// progressEvery is how often a waiting check reports how long is left.
const progressEvery = 10 * time.Second

// anExpiredRealToken waits until the token the probe got has expired, by
// its exp claim or expires_in, plus the declared leeway and a margin
// (CHECKS.md E01). The probe logged in before any scenario ran, so the wait
// overlaps the rest of the run. A wait longer than the profile allows is a
// skip with the reason.
func (st *scenario) anExpiredRealToken(ctx context.Context) error {
	p := &st.suite.probe
	if p.sampleExp.IsZero() {
		return fmt.Errorf("%w: the token carries no exp and the response no expires_in, so its expiry is unknown", ErrUnmetNeed)
	}
	until := p.sampleExp.Add(st.suite.target.Leeway + expiryMargin)
	wait := time.Until(until)
	if limit := st.suite.target.MaxWait; wait > limit {
		return fmt.Errorf("%w: the token expires in %s, longer than the maximum wait of %s", ErrUnmetNeed, wait.Round(time.Second), limit)
	}
	if err := st.waitUntil(ctx, until, "E01 expiry of a real token"); err != nil {
		return err
	}
	st.redact.Add(p.sampleToken)
	st.forge("issued by the target and expired since", p.sampleToken)
	return nil
}

// waitUntil sleeps until t, writing progress to the target's Progress
// writer.
func (st *scenario) waitUntil(ctx context.Context, t time.Time, label string) error {
	out := st.suite.target.Progress
	if d := time.Until(t); d > 0 {
		fmt.Fprintf(out, "harness: %s: waiting %s\n", label, d.Round(time.Second))
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			fmt.Fprintf(out, "harness: %s: wait over\n", label)
			return nil
		case <-tick.C:
			fmt.Fprintf(out, "harness: %s: %s left\n", label, time.Until(t).Round(time.Second))
		}
	}
}

// measureLeeway binary-searches the smallest age of exp that the target
// refuses, in [0, 300] seconds (CHECKS.md E04), and attaches the result.
// Either answer conforms; the measurement is information.
func (st *scenario) measureLeeway(ctx context.Context) (context.Context, error) {
	if err := st.suite.mintSanity(ctx); err != nil {
		return ctx, err
	}
	accepted := func(age int64) (bool, error) {
		now := st.suite.targetNow().Unix()
		tok, err := st.suite.mint(func(_, c map[string]any) { c["exp"] = now - age })
		if err != nil {
			return false, err
		}
		st.redact.Add(tok)
		err = st.send(ctx, request{method: st.suite.target.ProtectedMethod, path: st.suite.target.ProtectedPath,
			header: http.Header{"Authorization": {"Bearer " + tok}}})
		return err == nil && st.last.status == http.StatusOK, err
	}
	lo, hi := int64(0), int64(300)
	if ok, err := accepted(hi); err != nil || ok {
		msg := "the target accepts tokens that expired 300 s ago or more"
		return godog.Attach(ctx, godog.Attachment{Body: []byte(msg), FileName: "leeway.txt", MediaType: "text/plain"}), err
	}
	for hi-lo > 2 {
		mid := (lo + hi) / 2
		ok, err := accepted(mid)
		if err != nil {
			return ctx, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	msg := fmt.Sprintf("observed leeway on exp: between %d and %d seconds", lo, hi)
	return godog.Attach(ctx, godog.Attachment{Body: []byte(msg), FileName: "leeway.txt", MediaType: "text/plain"}), nil
}

// lifetimeShouldBeShort checks the real token's exp against now, its iat and
// expires_in, and a policy maximum (RFC 6750 §5.3; CHECKS.md E09).
func (st *scenario) lifetimeShouldBeShort(ctx context.Context, maxSeconds int) error {
	t, err := st.current(ctx)
	if err != nil {
		return err
	}
	exp, ok := numericClaim(t.Claims, "exp")
	if !ok {
		return &CheckError{Method: "decode", Path: "(the access token)", Expected: "a numeric exp claim", Got: "none"}
	}
	now := st.suite.targetNow().Unix()
	start := now
	if iat, ok := numericClaim(t.Claims, "iat"); ok {
		start = iat
	}
	life := exp - start
	bad := func(expected, got string) error {
		return &CheckError{Method: "decode", Path: "(the access token)", Expected: clip(expected), Got: clip(got)}
	}
	switch {
	case exp <= now:
		return bad("exp in the future", fmt.Sprintf("exp %d s in the past", now-exp))
	case life > int64(maxSeconds):
		return bad(fmt.Sprintf("a lifetime of at most %d s", maxSeconds), fmt.Sprintf("%d s", life))
	}
	return nil
}
