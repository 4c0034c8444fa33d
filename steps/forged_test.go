package steps

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// hangingTarget never answers the protected resource; it lets go when the
// client gives up.
func hangingTarget(t *testing.T) *Suite {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(ts.Close)
	s, err := New(Target{BaseURL: ts.URL, Username: "u", Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestAnswersShouldComeWithin_noAnswer: a forgery that got no answer before
// the timeout fails X06 and F12, naming the request and the timeout.
func TestAnswersShouldComeWithin_noAnswer(t *testing.T) {
	st := hangingTarget(t).newScenario()
	st.forge("with alg none", "forged-token-distinctive")
	if err := st.presentForgedTokens(context.Background()); err != nil {
		t.Fatal(err)
	}

	var ce *CheckError
	if err := st.answersShouldComeWithin(9); !errors.As(err, &ce) {
		t.Fatalf("answersShouldComeWithin = %v, want a CheckError", err)
	}
	if want := "no answer (timeout after 50ms)"; ce.Got != want {
		t.Errorf("got %q, want %q", ce.Got, want)
	}
	if !strings.Contains(ce.Expected, "within 9s to a token with alg none") {
		t.Errorf("expected %q", ce.Expected)
	}
	if ce.Method != http.MethodGet || ce.Path != "/secure-data" || ce.Exchange == nil {
		t.Errorf("finding %+v lacks its request", ce)
	}
}
