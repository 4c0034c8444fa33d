package steps

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

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

// pemKey encodes key as a PKCS #8 PEM block.
func pemKey(t *testing.T, key any) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func TestNew_checksTheSigningKey(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	rsaPEM, p256PEM, p384PEM, edPEM := pemKey(t, rsaKey), pemKey(t, p256), pemKey(t, p384), pemKey(t, edKey)
	tests := []struct {
		name    string
		alg     string
		key     string
		wantErr string // "" when the key suits the alg
	}{
		{name: "HMAC secret", alg: "HS256", key: "s3cret"},
		{name: "empty HMAC secret", alg: "HS256", key: "", wantErr: "the HMAC secret is empty"},
		{name: "RSA for RS256", alg: "RS256", key: rsaPEM},
		{name: "RSA for PS384", alg: "PS384", key: rsaPEM},
		{name: "not PEM for RS256", alg: "RS256", key: "NotAPem", wantErr: "not PEM: it needs an RSA private key"},
		{name: "not PEM for ES256", alg: "ES256", key: "NotAPem", wantErr: "not PEM: it needs an EC private key on P-256"},
		{name: "P-256 for ES256", alg: "ES256", key: p256PEM},
		{name: "P-384 for ES256", alg: "ES256", key: p384PEM, wantErr: "EC key on P-384: it needs an EC private key on P-256"},
		{name: "P-384 for ES384", alg: "ES384", key: p384PEM},
		{name: "RSA for ES256", alg: "ES256", key: rsaPEM, wantErr: "holds an RSA key"},
		{name: "EC for RS256", alg: "RS256", key: p256PEM, wantErr: "holds an EC key"},
		{name: "Ed25519 for EdDSA", alg: "EdDSA", key: edPEM},
		{name: "Ed25519 for RS256", alg: "RS256", key: edPEM, wantErr: "holds an Ed25519 key"},
		{name: "RSA for EdDSA", alg: "EdDSA", key: rsaPEM, wantErr: "holds an RSA key"},
		{name: "PEM that is no key", alg: "RS256", key: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
			wantErr: `PEM block "CERTIFICATE" is not a private key`},
		{name: "unknown alg", alg: "XX256", key: rsaPEM, wantErr: `algorithm "XX256" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Target{BaseURL: "https://example.com", Username: "u",
				SigningKey: &SigningKey{Alg: tt.alg, Key: NewSecret(tt.key)}})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
			}
			if tt.key != "" && strings.Contains(err.Error(), tt.key) {
				t.Errorf("the error shows the key material: %v", err)
			}
		})
	}
}

// TestUnmet_saysWhoSaidTheCapabilityIsMissing checks that a skip for a
// missing capability blames the profile when the profile declared it
// missing, and the probe when the probe found it missing.
func TestUnmet_saysWhoSaidTheCapabilityIsMissing(t *testing.T) {
	no := false
	tests := []struct {
		name     string
		need     string
		declared Capabilities
		want     string
	}{
		{name: "refresh declared false", need: "refresh", declared: Capabilities{Refresh: &no},
			want: "the profile says the target has no refresh_token grant"},
		{name: "revocation declared false", need: "revocation", declared: Capabilities{Revocation: &no},
			want: "the profile says the target has no revocation endpoint"},
		{name: "introspection declared false", need: "introspection", declared: Capabilities{Introspection: &no},
			want: "the profile says the target has no introspection endpoint"},
		{name: "discovery declared false", need: "discovery", declared: Capabilities{Discovery: &no},
			want: "the profile says the target has no authorization server metadata"},
		{name: "JWKS declared false", need: "jwks", declared: Capabilities{JWKS: &no},
			want: "the profile says the target has no JWKS"},
		{name: "refresh detected missing", need: "refresh",
			want: "the target has no refresh_token grant (none detected before the run, and the profile does not say)"},
		{name: "JWKS detected missing", need: "jwks",
			want: "the target has no JWKS (none detected before the run, and the profile does not say)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Target{BaseURL: "https://example.com", Username: "u", Capabilities: tt.declared})
			if err != nil {
				t.Fatal(err)
			}
			// What the probe does for a capability the profile left unknown.
			caps := &s.target.Capabilities
			for _, c := range []**bool{&caps.Refresh, &caps.Revocation, &caps.Introspection, &caps.Discovery, &caps.JWKS} {
				setIfUnknown(c, false)
			}
			if got := s.unmet(tt.need); got != tt.want {
				t.Errorf("unmet(%q) = %q, want %q", tt.need, got, tt.want)
			}
		})
	}
}
