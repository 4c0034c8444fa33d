package steps

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRequestLine(t *testing.T) {
	tests := []struct {
		name        string
		givenMethod string
		givenPath   string
		givenStatus int
		givenEx     *Exchange
		want        string
	}{
		{name: "answered", givenMethod: "GET", givenPath: "/secure-data", givenStatus: 401,
			givenEx: &Exchange{Status: 401}, want: "GET /secure-data → 401"},
		{name: "no response", givenMethod: "GET", givenPath: "/secure-data",
			givenEx: &Exchange{NoResponse: "timeout after 10s"}, want: "GET /secure-data: no response (timeout after 10s)"},
		{name: "offline", givenMethod: "offline", givenPath: "(the access token's signature)",
			want: "offline (the access token's signature)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RequestLine(tt.givenMethod, tt.givenPath, tt.givenStatus, tt.givenEx); got != tt.want {
				t.Errorf("RequestLine = %q, want %q", got, tt.want)
			}
		})
	}
}

// fixedTarget answers every request with status, content type and body.
func fixedTarget(t *testing.T, status int, contentType, body string) *scenario {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("WWW-Authenticate", body)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	s, err := New(Target{BaseURL: ts.URL, Username: "u", Password: NewSecret(exPassword)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s.newScenario()
}

// TestLogin_bodyNotJSON: a token response that is not JSON says so.
func TestLogin_bodyNotJSON(t *testing.T) {
	st := fixedTarget(t, http.StatusOK, "text/html", "<html>hello</html>")
	_, _, err := st.login(context.Background())
	var ce *CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("login = %v, want a CheckError", err)
	}
	if want := "a body that is not JSON (Content-Type text/html)"; ce.Got != want {
		t.Errorf("got %q, want %q", ce.Got, want)
	}
}

// TestMismatch_boundsValues: a hostile header copied into a finding is cut
// to MaxFindingValue bytes; the exchange keeps more of it.
func TestMismatch_boundsValues(t *testing.T) {
	long := `Bearer realm="` + strings.Repeat("x", 5000) + `"`
	st := fixedTarget(t, http.StatusUnauthorized, "application/json", long)
	if err := st.callWithoutCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	var ce *CheckError
	if err := st.mismatch(long, st.last.header.Get("WWW-Authenticate")); !errors.As(err, &ce) {
		t.Fatalf("mismatch = %v, want a CheckError", err)
	}
	for name, v := range map[string]string{"expected": ce.Expected, "got": ce.Got} {
		if len(v) > MaxFindingValue+30 || !strings.HasSuffix(v, "more bytes]") {
			t.Errorf("%s is %d bytes: %.80s…", name, len(v), v)
		}
	}
	if len(ce.Error()) > 3*MaxFindingValue {
		t.Errorf("Error() is %d bytes", len(ce.Error()))
	}
	if len(ce.Exchange.ResponseBody) < 1000 {
		t.Errorf("the exchange lost the body: %d bytes", len(ce.Exchange.ResponseBody))
	}
}

// TestSend_noResponseIsAFinding: a request that gets no answer fails the
// check with an expected value, so its report shows the check's
// references (B04, X04 on a timeout).
func TestSend_noResponseIsAFinding(t *testing.T) {
	st := hangingTarget(t).newScenario()
	err := st.callWithoutCredentials(context.Background())
	var ce *CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("callWithoutCredentials = %v, want a CheckError", err)
	}
	if ce.Expected != "an answer within 50ms" || ce.Got != "none" || ce.Status != 0 {
		t.Errorf("finding %+v", ce)
	}
	if want := "GET /secure-data: no response (timeout after 50ms): expected an answer within 50ms, got none"; ce.Error() != want {
		t.Errorf("error %q, want %q", ce.Error(), want)
	}
	if want := "GET /secure-data HTTP/1.1: no response (timeout after 50ms)"; ce.Exchange.Summary() != want {
		t.Errorf("summary %q, want %q", ce.Exchange.Summary(), want)
	}
}
