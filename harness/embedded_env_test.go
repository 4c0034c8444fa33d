package main

import (
	"testing"
	"time"
)

func TestEmbeddedOptions(t *testing.T) {
	cases := []struct {
		name         string
		env          map[string]string
		wantLifetime time.Duration
		wantLeeway   time.Duration
		wantErr      bool
	}{
		{name: "unset: the server's defaults"},
		{
			name:         "short-lived tokens without leeway",
			env:          map[string]string{"AUTHCONFORM_EMBEDDED_TOKEN_LIFETIME": "3s", "AUTHCONFORM_EMBEDDED_LEEWAY": "0s"},
			wantLifetime: 3 * time.Second, wantLeeway: -1,
		},
		{name: "a leeway", env: map[string]string{"AUTHCONFORM_EMBEDDED_LEEWAY": "2s"}, wantLeeway: 2 * time.Second},
		{name: "not a duration", env: map[string]string{"AUTHCONFORM_EMBEDDED_TOKEN_LIFETIME": "soon"}, wantErr: true},
		{name: "negative", env: map[string]string{"AUTHCONFORM_EMBEDDED_LEEWAY": "-1s"}, wantErr: true},
		{name: "zero lifetime", env: map[string]string{"AUTHCONFORM_EMBEDDED_TOKEN_LIFETIME": "0s"}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := embeddedOptions(func(k string) string { return tc.env[k] })
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && (o.TokenLifetime != tc.wantLifetime || o.Leeway != tc.wantLeeway) {
				t.Errorf("lifetime %s, leeway %s; want %s, %s", o.TokenLifetime, o.Leeway, tc.wantLifetime, tc.wantLeeway)
			}
		})
	}
}
