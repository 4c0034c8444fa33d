package deviations_test

import (
	"strings"
	"testing"

	"github.com/authconform/authconform/harness/internal/deviations"
)

func TestParse(t *testing.T) {
	known := map[string]bool{"T02": true, "B04": true}
	tests := []struct {
		name      string
		givenYAML string
		want      map[string]string
		wantErr   string
	}{
		{name: "two deviations", givenYAML: "- check: T02\n  reason: gateway strips it\n- check: B04\n  reason: known\n",
			want: map[string]string{"T02": "gateway strips it", "B04": "known"}},
		{name: "empty file", givenYAML: "", want: map[string]string{}},
		{name: "no reason", givenYAML: "- check: T02\n- check: B04\n  reason: x\n", wantErr: "line 1: T02 has no reason"},
		{name: "unknown check", givenYAML: "- check: T99\n  reason: x\n", wantErr: "T99 is not in the catalogue"},
		{name: "not an ID", givenYAML: "- check: cache\n  reason: x\n", wantErr: "not a check ID"},
		{name: "unknown key", givenYAML: "- check: T02\n  reason: x\n  until: 2027\n", wantErr: "line 3"},
		{name: "duplicate", givenYAML: "- {check: T02, reason: a}\n- {check: T02, reason: b}\n", wantErr: "line 2: T02 is listed twice"},
		{name: "not a list", givenYAML: "check: T02\n", wantErr: "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := deviations.Parse([]byte(tt.givenYAML), known)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
