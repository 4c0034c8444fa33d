package server

import (
	"strings"
	"testing"
)

// TestNew_rejectsBadSettings: settings that would otherwise be replaced by
// a default or produce nonsense metadata are refused with a reason.
func TestNew_rejectsBadSettings(t *testing.T) {
	tests := []struct {
		name    string
		given   func(*Config)
		wantErr string // "" for accepted
	}{
		{name: "cost under bcrypt's minimum", given: func(c *Config) { c.Users, c.PasswordCost = nil, 1 }, wantErr: "[4, 31]"},
		{name: "cost over bcrypt's maximum", given: func(c *Config) { c.Users, c.PasswordCost = nil, 32 }, wantErr: "[4, 31]"},
		{name: "cost at bcrypt's minimum", given: func(c *Config) { c.Users, c.PasswordCost = nil, 4 }},
		{name: "issuer not a URL", given: func(c *Config) { c.Issuer = "notaurl" }, wantErr: "absolute http or https URL"},
		{name: "issuer of another scheme", given: func(c *Config) { c.Issuer = "ftp://as.test" }, wantErr: "absolute http or https URL"},
		{name: "issuer without host", given: func(c *Config) { c.Issuer = "https://" }, wantErr: "absolute http or https URL"},
		{name: "issuer with query", given: func(c *Config) { c.Issuer = "https://as.test/?tenant=1" }, wantErr: "no query or fragment"},
		{name: "issuer with fragment", given: func(c *Config) { c.Issuer = "https://as.test/#x" }, wantErr: "no query or fragment"},
		{name: "issuer with user info", given: func(c *Config) { c.Issuer = "https://me@as.test" }, wantErr: "user info"},
		{name: "https issuer with path", given: func(c *Config) { c.Issuer = "https://as.test/tenant" }},
		{name: "negative hash concurrency", given: func(c *Config) { c.PasswordHashConcurrency = -1 }, wantErr: "concurrency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Users: testUsers(), Issuer: "http://rs.test"}
			tt.given(&cfg)
			_, err := New(cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New: %v, want an error naming %q", err, tt.wantErr)
			}
		})
	}
}

func TestDemoUsers_rejectsCostOutOfRange(t *testing.T) {
	if _, err := DemoUsers(1); err == nil {
		t.Error("DemoUsers(1): no error; bcrypt would have used cost 10")
	}
}
