package server

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Supported signing algorithms (RFC 7518 §3.1, RFC 8037 §3.1).
var signingMethods = map[string]jwt.SigningMethod{
	"HS256": jwt.SigningMethodHS256,
	"RS256": jwt.SigningMethodRS256,
	"ES256": jwt.SigningMethodES256,
	"EdDSA": jwt.SigningMethodEdDSA,
}

// errUnknownKey is a kid that names no verification key.
var errUnknownKey = errors.New("no verification key has this kid")

// verificationKey is one key that verifies access tokens.
type verificationKey struct {
	kid string
	key any // []byte for HS256, else the public key
	// retire is when the key stops verifying; zero means never. Set when a
	// rotation replaces the key, to the last expiry of its tokens.
	retire time.Time
}

// keySet holds the signing key and every verification key. One algorithm
// serves them all, so the parser can pin it (RFC 8725 §3.1).
type keySet struct {
	alg    string
	method jwt.SigningMethod

	mu      sync.RWMutex
	signKey any // []byte or crypto.Signer
	signKid string
	keys    []verificationKey // the current key first

	// gen counts rotations, so that what was verified under older keys
	// can be told apart (verifiedCache).
	gen atomic.Uint64
}

// newKeySet loads or generates the signing key and loads the previous keys
// of a rotation.
func newKeySet(cfg Config) (*keySet, error) {
	method, ok := signingMethods[cfg.Alg]
	if !ok {
		return nil, fmt.Errorf("alg %q: want HS256, RS256, ES256 or EdDSA", cfg.Alg)
	}
	ks := &keySet{alg: cfg.Alg, method: method}
	var sign any
	if cfg.Alg == "HS256" {
		sign = cfg.Secret
	} else {
		var err error
		if sign, err = loadOrGenerate(cfg.Alg, cfg.SigningKeyPEM); err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
	}
	ks.setSigningKey(sign)
	for i, raw := range cfg.PreviousKeys {
		key, err := ks.verificationKeyOf(raw)
		if err != nil {
			return nil, fmt.Errorf("previous key %d: %w", i+1, err)
		}
		ks.keys = append(ks.keys, verificationKey{kid: keyID(key), key: key})
	}
	return ks, nil
}

// setSigningKey makes sign the current key. Callers hold mu or own ks.
func (ks *keySet) setSigningKey(sign any) {
	public := sign
	if signer, ok := sign.(crypto.Signer); ok {
		public = signer.Public()
	}
	ks.signKey, ks.signKid = sign, keyID(public)
	ks.keys = append([]verificationKey{{kid: ks.signKid, key: public}}, ks.keys...)
}

// verificationKeyOf parses a previous key: a secret for HS256, else a PEM.
func (ks *keySet) verificationKeyOf(raw []byte) (any, error) {
	if ks.alg == "HS256" {
		if len(raw) < 32 {
			return nil, errors.New("HS256 needs at least 32 bytes")
		}
		return raw, nil
	}
	key, err := parsePEM(raw)
	if err != nil {
		return nil, err
	}
	if signer, ok := key.(crypto.Signer); ok {
		key = signer.Public()
	}
	if err := checkKeyAlg(ks.alg, key); err != nil {
		return nil, err
	}
	return key, nil
}

// rotate makes a freshly generated key the signing key. The old key keeps
// verifying until retire, the moment its last token expires; keys retired
// before now are dropped.
func (ks *keySet) rotate(now, retire time.Time) error {
	var next any
	if ks.alg == "HS256" {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return fmt.Errorf("generate secret: %w", err)
		}
		next = secret
	} else {
		var err error
		if next, err = loadOrGenerate(ks.alg, nil); err != nil {
			return err
		}
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.keys[0].retire = retire
	live := ks.keys[:0]
	for _, k := range ks.keys {
		if k.retire.IsZero() || now.Before(k.retire) {
			live = append(live, k)
		}
	}
	ks.keys = live
	ks.setSigningKey(next)
	ks.gen.Add(1)
	return nil
}

// generation returns the number of rotations so far.
func (ks *keySet) generation() uint64 { return ks.gen.Load() }

// signing returns the current signing key and its kid.
func (ks *keySet) signing() (any, string) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return ks.signKey, ks.signKid
}

// lookup returns the verification key named kid at time now. An empty kid
// names the current key.
func (ks *keySet) lookup(kid string, now time.Time) (any, error) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	if kid == "" {
		return ks.keys[0].key, nil
	}
	for _, k := range ks.keys {
		if k.kid == kid && (k.retire.IsZero() || now.Before(k.retire)) {
			return k.key, nil
		}
	}
	return nil, errUnknownKey
}

// jwks returns the public keys live at now as an RFC 7517 JWK Set. HS256
// keys are secrets and are never published.
func (ks *keySet) jwks(now time.Time) map[string][]map[string]string {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	keys := []map[string]string{}
	for _, k := range ks.keys {
		if ks.alg == "HS256" || (!k.retire.IsZero() && !now.Before(k.retire)) {
			continue
		}
		jwk := publicJWK(k.key)
		jwk["kid"], jwk["alg"], jwk["use"] = k.kid, ks.alg, "sig"
		keys = append(keys, jwk)
	}
	return map[string][]map[string]string{"keys": keys}
}

// loadOrGenerate parses a private key PEM for alg, or generates a key when
// raw is empty.
func loadOrGenerate(alg string, raw []byte) (crypto.Signer, error) {
	if len(raw) == 0 {
		return generateKey(alg)
	}
	key, err := parsePEM(raw)
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok || isPublicKey(key) {
		return nil, errors.New("the PEM holds a public key; a private key is needed to sign")
	}
	if err := checkKeyAlg(alg, signer.Public()); err != nil {
		return nil, err
	}
	return signer, nil
}

func isPublicKey(key any) bool {
	switch key.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return true
	}
	return false
}

func generateKey(alg string) (crypto.Signer, error) {
	switch alg {
	case "RS256":
		return rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, key, err := ed25519.GenerateKey(rand.Reader)
		return key, err
	}
	return nil, fmt.Errorf("no key type for alg %q", alg)
}

// parsePEM reads the first PEM block as a private or public key in any of
// the usual encodings.
func parsePEM(raw []byte) (any, error) {
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
		return k, nil
	}
	return nil, fmt.Errorf("PEM block %q is no supported key", block.Type)
}

// checkKeyAlg reports whether a public key fits alg: RSA of at least 2048
// bits for RS256 (RFC 7518 §3.3), P-256 for ES256, Ed25519 for EdDSA.
func checkKeyAlg(alg string, public any) error {
	switch k := public.(type) {
	case *rsa.PublicKey:
		if alg == "RS256" && k.N.BitLen() >= 2048 {
			return nil
		}
	case *ecdsa.PublicKey:
		if alg == "ES256" && k.Curve == elliptic.P256() {
			return nil
		}
	case ed25519.PublicKey:
		if alg == "EdDSA" {
			return nil
		}
	}
	return fmt.Errorf("the key does not fit alg %s (RS256: RSA ≥ 2048 bits, ES256: P-256, EdDSA: Ed25519)", alg)
}

// publicJWK renders a public key's RFC 7517 members.
func publicJWK(key any) map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	switch k := key.(type) {
	case *rsa.PublicKey:
		return map[string]string{"kty": "RSA", "n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes())}
	case *ecdsa.PublicKey:
		x, y := make([]byte, 32), make([]byte, 32)
		k.X.FillBytes(x)
		k.Y.FillBytes(y)
		return map[string]string{"kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y)}
	case ed25519.PublicKey:
		return map[string]string{"kty": "OKP", "crv": "Ed25519", "x": b64(k)}
	}
	return map[string]string{}
}

// keyID is the kid of a key: the RFC 7638 thumbprint of a public key, or a
// hash prefix of an HMAC secret (which names it without revealing it).
func keyID(key any) string {
	var input []byte
	switch k := key.(type) {
	case []byte:
		sum := sha256.Sum256(k)
		return "hs-" + base64.RawURLEncoding.EncodeToString(sum[:9])
	default:
		jwk := publicJWK(k)
		// encoding/json sorts map keys, which is the member order RFC 7638
		// §3.2 requires; only the required members go in.
		delete(jwk, "use")
		input, _ = json.Marshal(jwk)
	}
	sum := sha256.Sum256(input)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// parseJWK turns a public JWK (RSA, EC P-256 or OKP Ed25519) into a key. It
// is used only by the insecure faults that trust attacker-supplied keys.
func parseJWK(jwk map[string]any) (any, error) {
	str := func(name string) []byte {
		s, _ := jwk[name].(string)
		b, _ := base64.RawURLEncoding.DecodeString(s)
		return b
	}
	switch jwk["kty"] {
	case "RSA":
		n, e := str("n"), str("e")
		if len(n) == 0 || len(e) == 0 || len(e) > 4 {
			return nil, errors.New("bad RSA jwk")
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	case "EC":
		x, y := str("x"), str("y")
		if len(x) != 32 || len(y) != 32 {
			return nil, errors.New("bad EC jwk")
		}
		return &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}, nil
	case "OKP":
		if x := str("x"); len(x) == ed25519.PublicKeySize {
			return ed25519.PublicKey(x), nil
		}
	}
	return nil, errors.New("unsupported jwk")
}

// pemOf encodes a key as PKCS#8 (private) or PKIX (public) PEM, nil for
// a key that has no such encoding.
func pemOf(key any, private bool) []byte {
	marshal, typ := x509.MarshalPKIXPublicKey, "PUBLIC KEY"
	if private {
		marshal, typ = x509.MarshalPKCS8PrivateKey, "PRIVATE KEY"
	}
	der, err := marshal(key)
	if err != nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
