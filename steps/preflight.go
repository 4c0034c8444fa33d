package steps

import (
	"context"
	"fmt"
	"net/http"
)

// Preflight proves that a verdict is possible before any check runs: the
// valid user gets a token, the token opens the protected resource, and a
// request without it does not (jwt_tool's prescan). Otherwise every
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
	if err := st.callWithoutCredentials(ctx); err != nil {
		return err
	}
	if st.last.status == http.StatusOK {
		return fmt.Errorf("the protected resource cannot tell a valid token from none: %w",
			st.mismatch("a status other than 200 without credentials", st.lastStatus()))
	}
	return nil
}
