package server

import (
	"encoding/json"
	"testing"
)

// TestJSONPlain checks that a string jsonPlain accepts is written by
// encoding/json exactly as it is, which handleSecureData's fast path
// relies on, and that strings encoding/json escapes are refused.
func TestJSONPlain(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		plain bool
	}{
		{name: "demo user", in: "testuser", plain: true},
		{name: "empty", in: "", plain: true},
		{name: "printable punctuation", in: "a.b-c_d@e+f~g/h'i", plain: true},
		{name: "quote", in: `a"b`, plain: false},
		{name: "backslash", in: `a\b`, plain: false},
		{name: "HTML", in: "<b>&", plain: false},
		{name: "control", in: "a\nb", plain: false},
		{name: "DEL", in: "a\x7fb", plain: false},
		{name: "non-ASCII", in: "jürgen", plain: false},
		{name: "invalid UTF-8", in: "a\xffb", plain: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := jsonPlain(tc.in); got != tc.plain {
				t.Fatalf("jsonPlain(%q) = %v, want %v", tc.in, got, tc.plain)
			}
			b, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if tc.plain && string(b) != `"`+tc.in+`"` {
				t.Fatalf("json.Marshal(%q) = %s: a plain string must encode as itself", tc.in, b)
			}
		})
	}
}
