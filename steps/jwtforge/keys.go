package jwtforge

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
)

// JWK is a JSON Web Key (RFC 7517 §4) as a target publishes it. Members
// holds every member, so hygiene checks can look for private ones.
type JWK struct {
	Kty     string
	Kid     string
	Alg     string
	Use     string
	Members map[string]any
}

// privateMembers are the JWK members that only private keys carry
// (RFC 7518 §6.2.2, §6.3.2; CHECKS.md D04).
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// PrivateMembers returns the private or symmetric members the key
// publishes.
func (k JWK) PrivateMembers() []string {
	var found []string
	for _, m := range privateMembers {
		if _, ok := k.Members[m]; ok {
			found = append(found, m)
		}
	}
	return found
}

// ParseJWKS parses a JWK Set document (RFC 7517 §5).
func ParseJWKS(body []byte) ([]JWK, error) {
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("parse jwks: %w", err)
	}
	if doc.Keys == nil {
		return nil, errors.New("parse jwks: no \"keys\" array")
	}
	keys := make([]JWK, 0, len(doc.Keys))
	for _, m := range doc.Keys {
		str := func(name string) string { s, _ := m[name].(string); return s }
		keys = append(keys, JWK{Kty: str("kty"), Kid: str("kid"), Alg: str("alg"), Use: str("use"), Members: m})
	}
	return keys, nil
}

// PublicKey returns the key as an *rsa.PublicKey, *ecdsa.PublicKey or
// ed25519.PublicKey.
func (k JWK) PublicKey() (crypto.PublicKey, error) {
	b := func(name string) ([]byte, error) {
		s, _ := k.Members[name].(string)
		v, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(v) == 0 {
			return nil, fmt.Errorf("jwk %q: member %q is not base64url", k.Kid, name)
		}
		return v, nil
	}
	switch k.Kty {
	case "RSA":
		n, err := b("n")
		if err != nil {
			return nil, err
		}
		e, err := b("e")
		if err != nil {
			return nil, err
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	case "EC":
		x, err := b("x")
		if err != nil {
			return nil, err
		}
		y, err := b("y")
		if err != nil {
			return nil, err
		}
		crv, _ := k.Members["crv"].(string)
		curve, ok := map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}[crv]
		if !ok {
			return nil, fmt.Errorf("jwk %q: curve %q", k.Kid, crv)
		}
		return &ecdsa.PublicKey{Curve: curve, X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}, nil
	case "OKP":
		x, err := b("x")
		if err != nil {
			return nil, err
		}
		if len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("jwk %q: not an Ed25519 key", k.Kid)
		}
		return ed25519.PublicKey(x), nil
	}
	return nil, fmt.Errorf("jwk %q: key type %q", k.Kid, k.Kty)
}

// Key forms an RS→HS confusion uses as the HMAC secret (CHECKS.md F08).
const (
	FormPEM = "PEM"
	FormDER = "DER"
	FormJWK = "JWK"
)

// PublicKeyBytes renders a public key in a form a confused verifier might
// use as an HMAC secret: PKIX PEM (with its final newline), PKIX DER, or the
// JWK as published.
func PublicKeyBytes(k JWK, form string) ([]byte, error) {
	if form == FormJWK {
		return json.Marshal(k.Members)
	}
	pub, err := k.PublicKey()
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encode public key %q: %w", k.Kid, err)
	}
	switch form {
	case FormDER:
		return der, nil
	case FormPEM:
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
	}
	return nil, fmt.Errorf("jwtforge: unknown key form %q: use PEM, DER or JWK", form)
}

// RSAJWK returns the public JWK of key with the given kid.
func RSAJWK(key *rsa.PublicKey, kid string) map[string]any {
	return map[string]any{
		"kty": "RSA",
		"kid": kid,
		"alg": "RS256",
		"use": "sig",
		"n":   base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint of an RSA key, used as the
// attacker key's kid.
func Thumbprint(key *rsa.PublicKey) string {
	j := RSAJWK(key, "")
	canon := fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, j["e"], j["n"])
	sum := sha256.Sum256([]byte(canon))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// FindKey returns the key a token names by kid, or the only key usable for
// its alg when it names none.
func FindKey(keys []JWK, kid, alg string) (JWK, bool) {
	if kid != "" {
		i := slices.IndexFunc(keys, func(k JWK) bool { return k.Kid == kid })
		if i < 0 {
			return JWK{}, false
		}
		return keys[i], true
	}
	kty := KeyType(alg)
	var match []JWK
	for _, k := range keys {
		if k.Kty == kty {
			match = append(match, k)
		}
	}
	if len(match) != 1 {
		return JWK{}, false
	}
	return match[0], true
}

// KeyType returns the JWK kty that alg needs (RFC 7518 §3.1).
func KeyType(alg string) string {
	switch {
	case len(alg) < 2:
		return ""
	case alg[:2] == "RS" || alg[:2] == "PS":
		return "RSA"
	case alg[:2] == "ES":
		return "EC"
	case alg == "EdDSA":
		return "OKP"
	case alg[:2] == "HS":
		return "oct"
	}
	return ""
}
