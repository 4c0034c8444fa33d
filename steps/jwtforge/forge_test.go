package jwtforge_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/authconform/authconform/steps/jwtforge"
)

var testSecret = []byte("jwtforge-test-secret-of-32-bytes!")

// original is a validly signed HS256 token, the starting point of every
// forgery.
func original(t *testing.T) *jwtforge.Token {
	t.Helper()
	raw, err := jwtforge.SignHMAC("HS256", testSecret, map[string]any{"typ": "at+jwt"},
		map[string]any{"sub": "testuser", "exp": 4102444800, "iss": "https://as.example"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwtforge.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !tok.VerifiesWithHMAC(testSecret) {
		t.Fatal("the original token does not verify")
	}
	return tok
}

func parse(t *testing.T, raw string) *jwtforge.Token {
	t.Helper()
	tok, err := jwtforge.Parse(raw)
	if err != nil {
		t.Fatalf("parse forged token: %v", err)
	}
	return tok
}

func TestForgeries_keepWhatTheyDoNotName(t *testing.T) {
	orig := original(t)
	tests := []struct {
		name          string
		forged        string
		wantAlg       string
		wantSig       string // "" for an empty signature; "orig" for the original
		wantSameClaim bool
	}{
		{name: "tampered payload", forged: orig.WithClaims(func(c map[string]any) { c["sub"] = "admin" }), wantAlg: "HS256", wantSig: "orig"},
		{name: "alg none, no signature", forged: orig.AlgNone("nOnE", false), wantAlg: "nOnE", wantSig: "", wantSameClaim: true},
		{name: "alg none, signature kept", forged: orig.AlgNone("NONE", true), wantAlg: "NONE", wantSig: "orig", wantSameClaim: true},
		{name: "alg swapped", forged: orig.SwapAlg("HS512"), wantAlg: "HS512", wantSig: "orig", wantSameClaim: true},
		{name: "empty signature", forged: orig.EmptySignature(), wantAlg: "HS256", wantSig: "", wantSameClaim: true},
		{name: "unknown crit", forged: orig.Crit(), wantAlg: "HS256", wantSig: "orig", wantSameClaim: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := parse(t, tc.forged)
			if f.Alg() != tc.wantAlg {
				t.Errorf("alg %q, want %q", f.Alg(), tc.wantAlg)
			}
			want := tc.wantSig
			if want == "orig" {
				want = orig.RawSig
			}
			if f.RawSig != want {
				t.Errorf("signature %q, want %q", f.RawSig, want)
			}
			if (f.RawClaims == orig.RawClaims) != tc.wantSameClaim {
				t.Errorf("payload kept = %v, want %v", f.RawClaims == orig.RawClaims, tc.wantSameClaim)
			}
			if f.VerifiesWithHMAC(testSecret) {
				t.Error("the forgery still verifies with the real key")
			}
		})
	}
}

func TestForgeries_tamperedPayloadSaysWhatItClaims(t *testing.T) {
	orig := original(t)
	f := parse(t, orig.WithClaims(func(c map[string]any) { c["admin"] = true }))
	if f.Claims["admin"] != true || f.Claims["sub"] != "testuser" {
		t.Errorf("claims %v, want the original plus admin=true", f.Claims)
	}
	if f.RawHeader != orig.RawHeader {
		t.Error("header changed")
	}
	c := parse(t, orig.Crit())
	crit, _ := c.Header["crit"].([]any)
	if len(crit) != 1 || crit[0] != "x-unknown" || c.Header["x-unknown"] == nil {
		t.Errorf("header %v, want crit [x-unknown] and x-unknown", c.Header)
	}
}

func TestForgeries_brokenSignatures(t *testing.T) {
	orig := original(t)
	trunc := parse(t, orig.TruncatedSignature())
	if trunc.RawSig != orig.RawSig[:len(orig.RawSig)-4] {
		t.Errorf("truncated signature %q", trunc.RawSig)
	}
	flipped := parse(t, orig.FlippedSignature()).Signature()
	diff := 0
	for i := range flipped {
		diff += bitCount(flipped[i] ^ orig.Signature()[i])
	}
	if diff != 1 {
		t.Errorf("flipped %d bits, want 1", diff)
	}
	zero := parse(t, orig.ZeroSignature()).Signature()
	if len(zero) != 32 || !bytes.Equal(zero, make([]byte, 32)) {
		t.Errorf("zero signature %x, want 32 zero bytes", zero)
	}
}

func bitCount(b byte) int {
	n := 0
	for ; b != 0; b &= b - 1 {
		n++
	}
	return n
}

func TestResignHMAC_emptyAndKidInjection(t *testing.T) {
	orig := original(t)
	raw, err := orig.ResignHMAC("HS256", nil, func(h map[string]any) { h["kid"] = "../../dev/null" })
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, raw)
	if !f.VerifiesWithHMAC(nil) || f.Header["kid"] != "../../dev/null" {
		t.Errorf("want a token with kid ../../dev/null verifying with the empty key; header %v", f.Header)
	}
	if secret, ok := f.CrackHMAC(jwtforge.CommonSecrets); !ok || secret != "" {
		t.Errorf("crack: %q %v, want the empty secret", secret, ok)
	}
}

func TestPsychic(t *testing.T) {
	orig := original(t)
	tests := []struct {
		name    string
		alg     string
		der     bool
		wantSig string
	}{
		{name: "DER", alg: "ES256", der: true, wantSig: "MAYCAQACAQA"},
		{name: "ES256 zero", alg: "ES256", wantSig: strings.Repeat("A", 86)},
		{name: "ES512 zero", alg: "ES512", wantSig: strings.Repeat("A", 176)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := orig.Psychic(tc.alg, tc.der)
			if err != nil {
				t.Fatal(err)
			}
			f := parse(t, raw)
			if f.Alg() != tc.alg || f.RawSig != tc.wantSig {
				t.Errorf("alg %s sig %q, want %s %q", f.Alg(), f.RawSig, tc.alg, tc.wantSig)
			}
		})
	}
}

func TestNullByte(t *testing.T) {
	orig := original(t)
	raw := orig.NullByteAfterPayload("mark")
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[1])
	want := append(mustDecode(t, orig.RawClaims), append([]byte{0}, "mark"...)...)
	if !bytes.Equal(payload, want) {
		t.Errorf("payload %q, want %q", payload, want)
	}
	f := parse(t, orig.NullByteInClaim("sub", "mark"))
	if f.Claims["sub"] != "testuser\x00mark" {
		t.Errorf("sub %q", f.Claims["sub"])
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMalformed(t *testing.T) {
	orig := original(t)
	tests := []struct {
		how          string
		wantSegments int
		wantLen      int
		wantContains string
	}{
		{how: jwtforge.OneSegment, wantSegments: 1},
		{how: jwtforge.TwoSegments, wantSegments: 2},
		{how: jwtforge.FourSegments, wantSegments: 4},
		{how: jwtforge.Padded, wantSegments: 3, wantContains: "="},
		{how: jwtforge.NotBase64URL, wantSegments: 3, wantContains: "+/~"},
		{how: jwtforge.HeaderNotObject, wantSegments: 3},
		{how: jwtforge.Size16K, wantSegments: 3, wantLen: 16 << 10},
		{how: jwtforge.Size64K, wantSegments: 3, wantLen: 64 << 10},
	}
	for _, tc := range tests {
		t.Run(tc.how, func(t *testing.T) {
			raw, err := orig.Malformed(tc.how)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(raw, ".") + 1; n != tc.wantSegments {
				t.Errorf("%d segments, want %d", n, tc.wantSegments)
			}
			if tc.wantLen != 0 && len(raw) != tc.wantLen {
				t.Errorf("length %d, want %d", len(raw), tc.wantLen)
			}
			if !strings.Contains(raw, tc.wantContains) {
				t.Errorf("%q lacks %q", raw, tc.wantContains)
			}
			if _, err := jwtforge.Parse(raw); err == nil && tc.wantLen == 0 {
				t.Error("a malformed token parses as a JWS")
			}
		})
	}
}

func TestKeyConfusionForms(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwk := jwtforge.JWK{Kty: "EC", Members: map[string]any{
		"kty": "EC", "crv": "P-256",
		"x": base64.RawURLEncoding.EncodeToString(ec.X.FillBytes(make([]byte, 32))),
		"y": base64.RawURLEncoding.EncodeToString(ec.Y.FillBytes(make([]byte, 32))),
	}}
	pemBytes, err := jwtforge.PublicKeyBytes(jwk, jwtforge.FormPEM)
	if err != nil || !bytes.HasPrefix(pemBytes, []byte("-----BEGIN PUBLIC KEY-----")) {
		t.Errorf("PEM %q %v", pemBytes, err)
	}
	der, err := jwtforge.PublicKeyBytes(jwk, jwtforge.FormDER)
	if err != nil || der[0] != 0x30 {
		t.Errorf("DER % x %v", der[:4], err)
	}
	j, err := jwtforge.PublicKeyBytes(jwk, jwtforge.FormJWK)
	if err != nil || !json.Valid(j) {
		t.Errorf("JWK %q %v", j, err)
	}
	orig := original(t)
	raw, err := orig.ResignHMAC("HS256", pemBytes, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := parse(t, raw); !f.VerifiesWithHMAC(pemBytes) || f.Alg() != "HS256" {
		t.Error("the confused token does not verify with the PEM bytes as HMAC key")
	}
}

func TestAttacker_embeddedJWKAndKeyURL(t *testing.T) {
	a, err := jwtforge.NewAttacker()
	if err != nil {
		t.Fatal(err)
	}
	ks, err := jwtforge.NewKeyServer(a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ks.Close)
	orig := original(t)

	raw, err := a.EmbeddedJWK(orig)
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, raw)
	embedded, _ := json.Marshal(f.Header["jwk"])
	keys, err := jwtforge.ParseJWKS([]byte(`{"keys":[` + string(embedded) + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys[0].PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Verify(pub); err != nil || f.Alg() != "RS256" {
		t.Errorf("embedded-jwk token: alg %s, verify %v", f.Alg(), err)
	}

	raw, err = a.KeyURL(orig, "jku", ks.URL(jwtforge.PathJWKS))
	if err != nil {
		t.Fatal(err)
	}
	f = parse(t, raw)
	resp, err := http.Get(f.Header["jku"].(string))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	served, err := jwtforge.ParseJWKS(body)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ = served[0].PublicKey()
	if err := f.Verify(pub); err != nil {
		t.Errorf("the jku token does not verify with the served key: %v", err)
	}
	if ks.Fetches(jwtforge.PathJWKS) != 1 || ks.Fetches(jwtforge.PathX5U) != 0 {
		t.Errorf("fetches jwks=%d x5u=%d, want 1 and 0", ks.Fetches(jwtforge.PathJWKS), ks.Fetches(jwtforge.PathX5U))
	}
}

func TestMint_HMACAndTimeClaims(t *testing.T) {
	raw, err := jwtforge.Mint("HS256", testSecret, map[string]any{"typ": "at+jwt"}, map[string]any{"exp": json.Number("1e20")})
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, raw)
	if !f.VerifiesWithHMAC(testSecret) || f.Claims["exp"].(json.Number).String() != "1e20" {
		t.Errorf("minted token: claims %v", f.Claims)
	}
	if _, err := jwtforge.Mint("HS256", "not bytes", nil, nil); err == nil {
		t.Error("minting HS256 with a non-byte key succeeded")
	}
}
