package runner_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/steps"
)

// fastAPIDeviations are the checks the FastAPI tutorial app
// (shared/targets/fastapi-seed) fails, each a real deviation:
//
//	T02, T03  no Cache-Control: no-store, no Pragma on the token response
//	T04       no expires_in (advisory)
//	T06       any password is accepted
//	T08       grant_type is optional in OAuth2PasswordRequestForm
//	T09, T10  422 with {"detail": ...} instead of 400 and an RFC 6749 error
//	T11       a repeated parameter is accepted
//	T18       the password grant is offered (advisory)
//	B03       a bare "Bearer" challenge without auth-params
//	B04       401 for a bad token without any WWW-Authenticate header
//	B08       two spaces after "Bearer" are refused (advisory)
//	B11       a token in header and query at once is accepted
//	B12       two Authorization headers: the first wins (advisory)
//	F07       the HS256 secret is the tutorial's "your-secret-key"
//	F18       python-jose ignores crit (needs the key)
//	F21       a validly signed token for any subject is accepted (no user store)
//	E06, E07  a future iat and a missing exp are accepted (advisory)
//	E08       python-jose reads exp "9999999999" as a number
//	X05       no Cache-Control on authenticated responses (advisory)
var fastAPIDeviations = map[string]bool{
	"T02": true, "T03": true, "T04": true, "T06": true, "T08": true, "T09": true, "T10": true,
	"T11": true, "T18": true, "B03": true, "B04": true, "B08": true, "B11": true, "B12": true,
	"F07": true, "F18": true, "F21": true, "E06": true, "E07": true, "E08": true, "X05": true,
}

// TestFeatures_fastAPI runs the catalogue against a running FastAPI
// tutorial app, given its secret, and checks that exactly its known
// deviations fail. Start the app with
//
//	ACCESS_TOKEN_EXPIRE_SECONDS=4 ./start.sh 8765
//
// and set AUTHCONFORM_FASTAPI_URL=http://127.0.0.1:8765.
func TestFeatures_fastAPI(t *testing.T) {
	base := os.Getenv("AUTHCONFORM_FASTAPI_URL")
	if base == "" {
		t.Skip("AUTHCONFORM_FASTAPI_URL is not set")
	}
	suite, err := steps.New(steps.Target{
		BaseURL:    base,
		Username:   "testuser",
		Password:   steps.NewSecret("testpass"),
		SigningKey: &steps.SigningKey{Alg: "HS256", Key: steps.NewSecret("your-secret-key")},
		MaxWait:    30 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(suite.Close)
	if err := suite.Preflight(context.Background()); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	res, err := runner.Run(context.Background(), runner.Options{Suite: suite, Format: "progress"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Checks {
		failed := c.Verdict == runner.Failed
		if failed != fastAPIDeviations[c.CheckID] {
			s, _ := c.FirstFailure()
			t.Errorf("check %s: %s, want failed=%v %s", c.CheckID, c.Verdict, fastAPIDeviations[c.CheckID], s.Message)
		}
	}
}
