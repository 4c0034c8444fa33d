package steps

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authconform/authconform/steps/jwtforge"
)

// Preflight proves that a verdict is possible before any check runs: the
// valid user gets a token, the token opens the protected resource, and a
// request without it does not, nor does one whose signature is broken, after
// which the valid token still works (jwt_tool's prescan). It probes the
// target first (see Probe). Otherwise every
// negative check would fail or pass for the wrong reason, so the harness
// stops with the returned error instead.
func (s *Suite) Preflight(ctx context.Context) error {
	if err := s.Probe(ctx); err != nil {
		return err
	}
	st := s.newScenario()

	token, err := s.accessToken(ctx, st)
	if err != nil {
		return fmt.Errorf("the valid user cannot log in: %w", err)
	}
	st.token = token
	if err := st.callWithToken(ctx); err != nil {
		return fmt.Errorf("the protected resource cannot be reached: %w", err)
	}
	if st.last.status != http.StatusOK {
		return fmt.Errorf("a fresh access token does not open the protected resource: %w",
			st.mismatch(statusText(http.StatusOK), st.lastStatus()))
	}
	// Only a 200 without credentials makes a verdict impossible. A target
	// that does not answer here fails B02 in the run; it is no reason to
	// stop before it.
	if err := st.callWithoutCredentials(ctx); err != nil {
		if ctx.Err() != nil {
			return err
		}
	} else if st.last.status == http.StatusOK {
		return fmt.Errorf("the protected resource cannot tell a valid token from none: %w",
			st.mismatch("a status other than 200 without credentials", st.lastStatus()))
	}
	return s.preflightBrokenSignature(ctx, st)
}

// preflightBrokenSignature proves, for JWT access tokens, that a broken
// signature is refused and that the valid token still works afterwards
// (jwt_tool's prescan). A target that accepts it verifies nothing, and the
// forgery checks could not tell one attack from another.
func (s *Suite) preflightBrokenSignature(ctx context.Context, st *scenario) error {
	t, err := jwtforge.Parse(st.token)
	if err != nil {
		return nil // opaque tokens: nothing to break
	}
	st.forge("with a bit of its signature flipped", t.FlippedSignature())
	if err := st.presentForgedTokens(ctx); err != nil {
		return err
	}
	if a := st.answers[0]; a.ex != nil && a.ex.status == http.StatusOK {
		st.last = a.ex
		return fmt.Errorf("the protected resource cannot tell a valid token from one with a broken signature (check F02): %w",
			st.mismatch("a status other than 200 for a broken signature", st.lastStatus()))
	}
	if err := st.callWithToken(ctx); err != nil {
		return err
	}
	if st.last.status != http.StatusOK {
		return fmt.Errorf("the valid token stopped working after one broken signature (a lockout?): %w",
			st.mismatch(statusText(http.StatusOK), st.lastStatus()))
	}
	return nil
}
