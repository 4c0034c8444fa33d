package jwtforge

import (
	"fmt"
	"strings"
)

// Malformations of CHECKS.md F17, by the name a feature uses.
const (
	OneSegment      = "one segment"
	TwoSegments     = "two segments"
	FourSegments    = "four segments"
	Padded          = "base64 padding"
	NotBase64URL    = "characters outside base64url"
	HeaderNotObject = "a header that is not a JSON object"
	Size16K         = "16 KB long"
	Size64K         = "64 KB long"
)

// Malformations lists every name Malformed accepts.
var Malformations = []string{
	OneSegment, TwoSegments, FourSegments, Padded, NotBase64URL, HeaderNotObject, Size16K, Size64K,
}

// Malformed returns the token broken in the named way (CHECKS.md F17). The
// result is always a valid HTTP header value, so the target, not the
// client, decides what to do with it.
func (t *Token) Malformed(how string) (string, error) {
	switch how {
	case OneSegment:
		return t.RawHeader, nil
	case TwoSegments:
		return t.RawHeader + "." + t.RawClaims, nil
	case FourSegments:
		return t.String() + "." + t.RawSig, nil
	case Padded:
		return pad(t.RawHeader) + "." + pad(t.RawClaims) + "." + pad(t.RawSig), nil
	case NotBase64URL:
		// '+' and '/' are standard base64 but not base64url; '~' is in
		// neither, yet all three are legal in an RFC 6750 b64token.
		return t.RawHeader + "." + t.RawClaims[:len(t.RawClaims)/2] + "+/~" +
			t.RawClaims[len(t.RawClaims)/2:] + "." + t.RawSig, nil
	case HeaderNotObject:
		return Compact(Segment([]any{t.Alg()}), t.RawClaims, t.RawSig), nil
	case Size16K:
		return t.sized(16 << 10), nil
	case Size64K:
		return t.sized(64 << 10), nil
	}
	return "", fmt.Errorf("jwtforge: unknown malformation %q: use one of %s", how, strings.Join(Malformations, ", "))
}

// pad adds the "=" padding that base64url in JWS omits (RFC 7515 §2).
func pad(seg string) string {
	if n := len(seg) % 4; n != 0 {
		return seg + strings.Repeat("=", 4-n)
	}
	return seg + "===="
}

// sized grows the payload with a filler claim until the compact token is
// exactly size bytes long, keeping the signature.
func (t *Token) sized(size int) string {
	base := t.WithClaims(func(c map[string]any) { c["x-filler"] = "" })
	if len(base) >= size {
		return base
	}
	// Every 3 bytes of JSON become 4 of base64url; search for the filler
	// length that lands on size, then trim the rare overshoot.
	n := (size - len(base)) * 3 / 4
	for {
		tok := t.WithClaims(func(c map[string]any) { c["x-filler"] = strings.Repeat("A", n) })
		switch {
		case len(tok) == size:
			return tok
		case len(tok) < size:
			n++
		default:
			h, p, _ := strings.Cut(tok, ".")
			p, _, _ = strings.Cut(p, ".")
			over := len(tok) - size
			return h + "." + p[:len(p)-over] + "." + t.RawSig
		}
	}
}
