// Package jwtforge builds the tampered, forged and minted JSON Web Tokens
// that authconform presents to a target: every attack of CHECKS.md §2.3 and
// the keyed tokens of §2.4. It has no dependency on the steps package; each
// function returns a compact serialisation and leaves sending it to the
// caller.
package jwtforge

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
)

// ErrNotJWT means a value is not a compact JWS with a JSON header and a JSON
// object payload (RFC 7515 §7.1).
var ErrNotJWT = errors.New("not a compact JWS")

// Token is a parsed compact JWS. Header and Claims are decoded copies; the
// raw segments are kept so that a forgery can change one part and keep the
// others byte for byte.
type Token struct {
	Header    map[string]any
	Claims    map[string]any
	RawHeader string // base64url, as received
	RawClaims string
	RawSig    string
}

// Parse splits and decodes a compact JWS without verifying it.
func Parse(raw string) (*Token, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: %d segments", ErrNotJWT, len(parts))
	}
	t := &Token{RawHeader: parts[0], RawClaims: parts[1], RawSig: parts[2]}
	if err := decodeSegment(parts[0], &t.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrNotJWT, err)
	}
	if err := decodeSegment(parts[1], &t.Claims); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrNotJWT, err)
	}
	if t.Header == nil || t.Claims == nil {
		return nil, fmt.Errorf("%w: header or payload is not a JSON object", ErrNotJWT)
	}
	return t, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// Alg returns the token's alg header, or "" if it has none.
func (t *Token) Alg() string {
	s, _ := t.Header["alg"].(string)
	return s
}

// Signature returns the decoded signature.
func (t *Token) Signature() []byte {
	b, _ := base64.RawURLEncoding.DecodeString(t.RawSig)
	return b
}

// String returns the token's compact serialisation.
func (t *Token) String() string { return Compact(t.RawHeader, t.RawClaims, t.RawSig) }

// HeaderCopy and ClaimsCopy return copies that the caller may change.
func (t *Token) HeaderCopy() map[string]any { return maps.Clone(t.Header) }
func (t *Token) ClaimsCopy() map[string]any { return maps.Clone(t.Claims) }

// Segment encodes v as a base64url JSON segment. A []byte is encoded as is.
func Segment(v any) string {
	if b, ok := v.([]byte); ok {
		return base64.RawURLEncoding.EncodeToString(b)
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Only values built in this package are encoded: maps of JSON
		// values, which always marshal.
		panic(fmt.Sprintf("jwtforge: encode segment: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Compact joins three segments with dots.
func Compact(header, payload, sig string) string {
	return header + "." + payload + "." + sig
}
