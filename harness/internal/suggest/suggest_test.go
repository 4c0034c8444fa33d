package suggest

import "testing"

func TestClosest(t *testing.T) {
	candidates := []string{"target", "token_path", "@security"}
	tests := []struct {
		name string
		give string
		want string
	}{
		{name: "one letter doubled", give: "targett", want: "target"},
		{name: "two letters swapped", give: "@securtiy", want: "@security"},
		{name: "exact match is no suggestion", give: "target", want: ""},
		{name: "too far", give: "tokenpathx_y", want: ""},
		{name: "empty", give: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closest(tt.give, candidates); got != tt.want {
				t.Errorf("Closest(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}
