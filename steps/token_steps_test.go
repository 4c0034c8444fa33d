package steps

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBothRefusalsShouldLookTheSame_showsTheUnknownUser: the finding of
// T07 shows the unknown user's exchange, whose status it reports.
func TestBothRefusalsShouldLookTheSame_showsTheUnknownUser(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.FormValue("username"), "nonexistent-") {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"no_such_user"}`))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
	}))
	t.Cleanup(ts.Close)
	s, err := New(Target{BaseURL: ts.URL, Username: "u", Password: NewSecret(exPassword)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	st := s.newScenario()
	if err := st.compareUnknownUserAndWrongPassword(context.Background()); err != nil {
		t.Fatal(err)
	}

	var ce *CheckError
	if err := st.bothRefusalsShouldLookTheSame(); !errors.As(err, &ce) {
		t.Fatalf("bothRefusalsShouldLookTheSame = %v, want a CheckError", err)
	}
	if ce.Status != http.StatusNotFound || !strings.HasPrefix(ce.Got, "404") {
		t.Errorf("finding shows status %d and got %q, want the unknown user's 404", ce.Status, ce.Got)
	}
	if ce.Exchange == nil || !strings.Contains(ce.Exchange.RequestBody, "nonexistent-") {
		t.Errorf("finding shows another exchange: %v", ce.Exchange)
	}
}

func TestLatencyTolerance(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name           string
		givenA, givenB time.Duration
		wantWithin     bool
	}{
		{name: "loaded runner, no hash", givenA: 174 * ms, givenB: 4 * ms, wantWithin: true},
		{name: "equal", givenA: 80 * ms, givenB: 80 * ms, wantWithin: true},
		{name: "bcrypt skipped for unknown users", givenA: 2 * ms, givenB: 400 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			within := (tt.givenA - tt.givenB).Abs() <= latencyTolerance(tt.givenA, tt.givenB)
			if within != tt.wantWithin {
				t.Errorf("within = %v, want %v", within, tt.wantWithin)
			}
		})
	}
}

// TestTimeLogins_spikesDoNotCount: a pause on some requests of one side,
// as a loaded runner causes, does not make the two sides look different;
// a side that is slow every time does.
func TestTimeLogins_spikesDoNotCount(t *testing.T) {
	var calls sync.Map // username → count
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user := r.FormValue("username")
		n, _ := calls.LoadOrStore(user, new(atomic.Int32))
		i := n.(*atomic.Int32).Add(1)
		switch {
		case user == "slow":
			time.Sleep(300 * time.Millisecond) // the target's own cost
		case strings.HasPrefix(user, "nonexistent-") && i%2 == 1:
			time.Sleep(400 * time.Millisecond) // a spike, not the target
		}
		w.WriteHeader(http.StatusBadRequest)
	}))
	t.Cleanup(ts.Close)
	s, err := New(Target{BaseURL: ts.URL, Username: "u", Password: NewSecret(exPassword)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	st := s.newScenario()
	spiky := st.passwordGrant(func(f url.Values) { f.Set("username", "nonexistent-x") })
	steady := st.passwordGrant(nil)
	slow := st.passwordGrant(func(f url.Values) { f.Set("username", "slow") })

	timings, err := st.timeLogins(context.Background(), spiky, steady, slow)
	if err != nil {
		t.Fatal(err)
	}
	if d := (timings[0].latency - timings[1].latency).Abs(); d > latencyTolerance(timings[0].latency, timings[1].latency) {
		t.Errorf("spikes counted: %s versus %s", timings[0].latency, timings[1].latency)
	}
	if timings[2].latency < 300*time.Millisecond {
		t.Errorf("a side slow every time measured %s, want at least 300ms", timings[2].latency)
	}
}

// TestBothRefusalsShouldLookTheSame_timingTolerance: the profile's
// tolerance replaces the default one.
func TestBothRefusalsShouldLookTheSame_timingTolerance(t *testing.T) {
	ms := time.Millisecond
	timings := []loginTiming{
		{ex: &exchange{method: "POST", path: "/token", status: 400}, status: 400, code: "invalid_grant", latency: 900 * ms},
		{ex: &exchange{method: "POST", path: "/token", status: 400}, status: 400, code: "invalid_grant", latency: 2 * ms},
	}
	tests := []struct {
		name      string
		given     time.Duration
		wantError bool
	}{
		{name: "default tolerance", given: 0, wantError: true},
		{name: "a second", given: time.Second, wantError: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Target{BaseURL: "http://127.0.0.1:1", Username: "u", TimingTolerance: tt.given})
			if err != nil {
				t.Fatal(err)
			}
			st := s.newScenario()
			st.timings = timings
			if err := st.bothRefusalsShouldLookTheSame(); (err != nil) != tt.wantError {
				t.Errorf("err = %v, want error %v", err, tt.wantError)
			}
		})
	}
}
