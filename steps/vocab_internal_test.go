package steps

import (
	"strings"
	"testing"
)

func TestVocabExpand(t *testing.T) {
	s, err := New(Target{BaseURL: "http://127.0.0.1:1", Username: "u", Password: NewSecret("pw-secret")})
	if err != nil {
		t.Fatal(err)
	}
	st := &scenario{suite: s, redact: &s.secrets, marker: "acMARK", token: "eyJhbGciOiJIUzI1NiJ9.e30.sig"}
	v := &vocab{st: st, vars: map[string]string{"id": `a/b "c"`}}
	t.Setenv("AUTHCONFORM_X", "env-value")
	t.Setenv("HOME_SECRET", "nope")
	tests := []struct {
		name      string
		givenText string
		givenEsc  escaping
		want      string
		wantErr   string
	}{
		{name: "stored value in a path is escaped", givenText: "/orders/{{id}}", givenEsc: inPath, want: "/orders/a%2Fb%20%22c%22"},
		{name: "stored value in JSON is escaped", givenText: `{"x": "{{id}}"}`, givenEsc: inJSON, want: `{"x": "a/b \"c\""}`},
		{name: "old and new spellings meet", givenText: "{username}-{{profile.username}}-{marker}-{{marker}}", want: "u-u-acMARK-acMARK"},
		{name: "env with the prefix", givenText: "{{env.AUTHCONFORM_X}}", want: "env-value"},
		{name: "env without the prefix is refused", givenText: "{{env.HOME_SECRET}}", wantErr: "only variables whose names start with AUTHCONFORM_"},
		{name: "unknown value names what is stored", givenText: "{{nope}}", wantErr: "stored: {{id}}"},
		{name: "unknown profile value", givenText: "{{profile.secret}}", wantErr: "unknown profile value"},
		{name: "second user missing says which tag", givenText: "{{profile.second_user.username}}", wantErr: "@needs-second-user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.expand(tt.givenText, tt.givenEsc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestVocabMismatch_redactsSecrets shows that a value expanded from the
// profile's password or an env var never reaches a failure message.
func TestVocabMismatch_redactsSecrets(t *testing.T) {
	s, err := New(Target{BaseURL: "http://127.0.0.1:1", Username: "u", Password: NewSecret("pw-secret")})
	if err != nil {
		t.Fatal(err)
	}
	st := &scenario{suite: s, redact: &s.secrets, last: &exchange{method: "GET", path: "/", status: 200}}
	v := &vocab{st: st, vars: map[string]string{}}
	t.Setenv("AUTHCONFORM_KEY", "env-secret-value")
	for _, want := range []string{"{{profile.password}}", "{{env.AUTHCONFORM_KEY}}"} {
		err := v.bodyContains(want)
		if err == nil {
			t.Fatalf("%s: no mismatch", want)
		}
		if msg := err.Error(); strings.Contains(msg, "pw-secret") || strings.Contains(msg, "env-secret-value") {
			t.Errorf("failure message leaks a secret: %s", msg)
		}
	}
}
