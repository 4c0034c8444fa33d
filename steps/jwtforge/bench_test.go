package jwtforge_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"testing"

	"github.com/authconform/authconform/steps/jwtforge"
)

// These benchmarks forge each kind of token the catalogue presents, from
// one parsed HS256 token, so that the cost of a forgery scenario's own
// work shows apart from its HTTP exchange. `make bench` runs them with
// -benchmem.

// benchOriginal is the token every forgery starts from.
func benchOriginal(b *testing.B) *jwtforge.Token {
	b.Helper()
	raw, err := jwtforge.SignHMAC("HS256", testSecret, map[string]any{"typ": "at+jwt", "kid": "k1"},
		map[string]any{"sub": "testuser", "exp": 4102444800, "iat": 1767225600, "iss": "https://as.example",
			"aud": "api", "jti": "0123456789abcdef", "client_id": "demo", "scope": "read orders"})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := jwtforge.Parse(raw)
	if err != nil {
		b.Fatal(err)
	}
	return tok
}

// sink keeps results alive so the compiler cannot drop the work.
var sink string

// BenchmarkForge covers the keyless forgeries (CHECKS.md F01–F05, F09,
// F13–F18): each re-encodes or re-signs the original.
func BenchmarkForge(b *testing.B) {
	orig := benchOriginal(b)
	cases := []struct {
		name  string
		forge func() (string, error)
	}{
		{name: "parse", forge: func() (string, error) {
			t, err := jwtforge.Parse(orig.String())
			return t.String(), err
		}},
		{name: "tampered_payload", forge: func() (string, error) {
			return orig.WithClaims(func(c map[string]any) { c["sub"] = "admin" }), nil
		}},
		{name: "truncated_signature", forge: func() (string, error) { return orig.TruncatedSignature(), nil }},
		{name: "flipped_signature", forge: func() (string, error) { return orig.FlippedSignature(), nil }},
		{name: "alg_none", forge: func() (string, error) { return orig.AlgNone("nOnE", false), nil }},
		{name: "alg_sibling", forge: func() (string, error) { return orig.SwapAlg(jwtforge.Sibling("HS256", 512)), nil }},
		{name: "blank_hmac_secret", forge: func() (string, error) { return orig.ResignHMAC("HS256", nil, nil) }},
		{name: "kid_injection", forge: func() (string, error) {
			return orig.ResignHMAC("HS256", []byte("1"), func(h map[string]any) { h["kid"] = "x' UNION SELECT '1" })
		}},
		{name: "psychic_signature", forge: func() (string, error) { return orig.Psychic("ES256", true) }},
		{name: "null_byte", forge: func() (string, error) { return orig.NullByteInClaim("sub", "m"), nil }},
		{name: "crit", forge: func() (string, error) { return orig.Crit(), nil }},
		{name: "malformed_64K", forge: func() (string, error) { return orig.Malformed(jwtforge.Size64K) }},
		{name: "crack_common_secrets", forge: func() (string, error) {
			s, _ := orig.CrackHMAC(jwtforge.CommonSecrets)
			return s, nil
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, err := tc.forge()
				if err != nil {
					b.Fatal(err)
				}
				sink = s
			}
		})
	}
}

// BenchmarkMint signs the original claims with each algorithm's key, as
// the keyed checks (F18–F23, E02–E08) do with the target's key.
func BenchmarkMint(b *testing.B) {
	orig := benchOriginal(b)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		alg string
		key any
	}{
		{alg: "HS256", key: testSecret},
		{alg: "RS256", key: rsaKey},
		{alg: "ES256", key: ecKey},
		{alg: "EdDSA", key: edKey},
	}
	for _, tc := range cases {
		b.Run(tc.alg, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, err := jwtforge.Mint(tc.alg, tc.key, orig.HeaderCopy(), orig.ClaimsCopy())
				if err != nil {
					b.Fatal(err)
				}
				sink = s
			}
		})
	}
}

// BenchmarkAttacker is the attacker's own key: generating it (once per
// run) and the tokens signed with it (F10 jwk, F11 jku/x5u).
func BenchmarkAttacker(b *testing.B) {
	orig := benchOriginal(b)
	b.Run("new_attacker_key", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jwtforge.NewAttacker(); err != nil {
				b.Fatal(err)
			}
		}
	})
	a, err := jwtforge.NewAttacker()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("embedded_jwk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := a.EmbeddedJWK(orig)
			if err != nil {
				b.Fatal(err)
			}
			sink = s
		}
	})
	b.Run("jku", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := a.KeyURL(orig, "jku", "http://127.0.0.1:1/jwks.json")
			if err != nil {
				b.Fatal(err)
			}
			sink = s
		}
	})
}
