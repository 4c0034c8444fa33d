package steps

import "testing"

func TestNew_rejectsBadTargets(t *testing.T) {
	tests := []struct {
		name string
		give Target
	}{
		{name: "no base URL", give: Target{Username: "u"}},
		{name: "relative base URL", give: Target{BaseURL: "example.com", Username: "u"}},
		{name: "ftp scheme", give: Target{BaseURL: "ftp://example.com", Username: "u"}},
		{name: "credentials in URL", give: Target{BaseURL: "https://u:p@example.com", Username: "u"}},
		{name: "query in URL", give: Target{BaseURL: "https://example.com/?a=b", Username: "u"}},
		{name: "no username", give: Target{BaseURL: "https://example.com"}},
		{name: "relative token path", give: Target{BaseURL: "https://example.com", Username: "u", TokenPath: "token"}},
		{name: "unknown login style", give: Target{BaseURL: "https://example.com", Username: "u", LoginStyle: "xml"}},
		{name: "basic auth without client", give: Target{BaseURL: "https://example.com", Username: "u", ClientAuth: ClientAuthBasic}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.give); err == nil {
				t.Errorf("New(%+v) succeeded, want an error", tt.give)
			}
		})
	}
}

func TestNew_defaults(t *testing.T) {
	s, err := New(Target{BaseURL: "http://127.0.0.1:1/api/", Username: "u"})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Target()
	if got.BaseURL != "http://127.0.0.1:1/api" || got.TokenPath != DefaultTokenPath ||
		got.ProtectedPath != DefaultProtectedPath || got.LoginStyle != LoginForm || got.TokenField != "access_token" {
		t.Errorf("defaults not applied: %+v", got)
	}
}
