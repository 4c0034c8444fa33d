package steps

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Secret holds a password, client secret, key or token. Its String, GoString
// and LogValue print a placeholder, so a Secret passed to fmt or slog by
// mistake does not leak; Reveal returns the value for the wire.
type Secret struct{ value string }

// NewSecret wraps v.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the secret value. Call it only to put the value on the wire.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.value == "" }

// String implements fmt.Stringer with a fingerprint of the value.
func (s Secret) String() string { return Fingerprint(s.value) }

// GoString implements fmt.GoStringer, which %#v uses.
func (s Secret) GoString() string { return s.String() }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps the value out of JSON, YAML and other encodings.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// jwtPattern matches anything shaped like a compact JWS or JWE: a base64url
// JSON header ("eyJ") followed by at least one more dot-separated segment.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]*)+`)

// fingerprintKey keys every fingerprint of this process. A plain hash of a
// password could be checked offline against a list of common passwords by
// anyone holding a report; a keyed one cannot, since the key never leaves
// the process. Fingerprints therefore match within one run, not across runs.
var fingerprintKey = func() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k) // crypto/rand.Read never fails on supported platforms
	return k
}()

// Fingerprint returns a short, non-reversible label for a secret: a JWT
// keeps its first six characters, which are its public header prefix, and
// anything else shows none of its characters. The "fp:" part is a keyed
// hash (HMAC-SHA256 with a key of this run), so two places in one run's
// output can be seen to name the same value without showing it.
func Fingerprint(v string) string {
	if v == "" {
		return "[empty]"
	}
	mac := hmac.New(sha256.New, fingerprintKey)
	mac.Write([]byte(v))
	digest := hex.EncodeToString(mac.Sum(nil)[:3])
	if strings.HasPrefix(v, "eyJ") && len(v) > 6 {
		return v[:6] + "…[jwt fp:" + digest + "]"
	}
	return "[secret fp:" + digest + "]"
}

// Redactor scrubs secrets from text meant for people: every JWT-shaped
// string and every value it was told about is replaced by its fingerprint.
// The zero value scrubs JWTs only. It is safe for concurrent use: a suite
// has one, which every scenario, the probe and the preflight share, so a
// secret any of them learns (a token echoed in another scenario's
// challenge, say) is scrubbed from every report.
type Redactor struct {
	mu      sync.RWMutex
	known   map[string]bool
	secrets []string // longest first, so a secret inside another goes with it
}

// Add registers values to scrub. Values shorter than two characters are
// ignored: replacing every occurrence of one character would leave the text
// unreadable while hiding nothing.
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	added := false
	for _, v := range values {
		// A secret goes on the wire encoded as often as raw: a target that
		// echoes a form body or a JSON string echoes those forms.
		for _, form := range encodings(v) {
			if len(form) < 2 || r.known[form] {
				continue
			}
			if r.known == nil {
				r.known = map[string]bool{}
			}
			r.known[form] = true
			r.secrets = append(r.secrets, form)
			added = true
		}
	}
	if added {
		sort.SliceStable(r.secrets, func(a, b int) bool { return len(r.secrets[a]) > len(r.secrets[b]) })
	}
}

// encodings returns v and the forms it takes in a form body and in a JSON
// string; Add skips the ones equal to v.
func encodings(v string) []string {
	out := []string{v}
	if q := url.QueryEscape(v); q != v {
		out = append(out, q)
	}
	// As a JSON string, with and without Go's HTML escaping of <, > and &.
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		j := strings.TrimSuffix(b.String(), "\n")
		out = append(out, j[1:len(j)-1])
	}
	if j, err := json.Marshal(v); err == nil {
		out = append(out, string(j[1:len(j)-1]))
	}
	return out
}

// Scrub returns s with every secret replaced by its fingerprint.
func (r *Redactor) Scrub(s string) string {
	s = jwtPattern.ReplaceAllStringFunc(s, Fingerprint)
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.secrets {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Fingerprint(v))
		}
	}
	return s
}
