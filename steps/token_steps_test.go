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

func TestMedian_ignoresOutliers(t *testing.T) {
	ms := time.Millisecond
	if got := median([]time.Duration{4 * ms, 170 * ms, 5 * ms, 3 * ms, 900 * ms}); got != 5*ms {
		t.Errorf("median = %s, want 5ms", got)
	}
}
