package server

import (
	"testing"
	"time"
)

// BenchmarkVerify is verifying one access token, without HTTP: in full
// (signature, header, claims decoding and validation, subject, revocation)
// and as a repeat the verified-token cache answers (claims validation,
// key, subject and revocation only).
func BenchmarkVerify(b *testing.B) {
	for _, tc := range []struct {
		name   string
		cached bool
	}{
		{name: "first_use", cached: false},
		{name: "repeat", cached: true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			f := newFixture(b, func(c *Config) { c.Now = time.Now })
			token := f.accessToken()
			if !tc.cached {
				f.srv.verified = nil
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.srv.verify(token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
