package server

import (
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// verifiedCacheSize bounds the tokens whose signature and header the
// server remembers having verified. A client reuses its access token until
// it expires, so a few thousand entries cover many clients; each is about
// one token's length.
const verifiedCacheSize = 4096

// verifiedCache remembers access tokens, by their exact text, whose
// signature, header and claims decoding passed, so that a token presented
// again skips the signature check and the JSON decoding, most of what
// verifying costs. It remembers nothing that can change: every hit
// re-validates the time, issuer and audience claims on the server's clock,
// re-checks that the signing key is still live, and verify re-checks the
// subject and revocation as for a fresh token. A key rotation empties it.
//
// A server with any insecure fault switched on has no cache (nil), since
// faults change what verification accepts.
type verifiedCache struct {
	validator *jwt.Validator // the parser's claim checks, for hits

	mu      sync.RWMutex
	gen     uint64 // keySet generation the entries were verified under
	entries map[string]verifiedToken
}

// verifiedToken is what the cache keeps of one verified token. claims are
// shared by every request that presents the token and are never modified.
type verifiedToken struct {
	claims *accessClaims
	kid    string
}

func newVerifiedCache(validator *jwt.Validator) *verifiedCache {
	return &verifiedCache{validator: validator, entries: make(map[string]verifiedToken, 64)}
}

// get returns the claims of raw when it was verified before, under the
// key generation gen, and its claims and key are still valid.
func (vc *verifiedCache) get(raw string, s *Server) (*accessClaims, bool) {
	if vc == nil {
		return nil, false
	}
	gen := s.keys.generation()
	vc.mu.RLock()
	e, ok := vc.entries[raw]
	current := vc.gen == gen
	vc.mu.RUnlock()
	if !ok || !current {
		return nil, false
	}
	_, keyErr := s.keys.lookup(e.kid, s.cfg.Now())
	if keyErr != nil || vc.validator.Validate(claimsView{accessClaims: e.claims}) != nil {
		// Let the full path decide and explain; it no longer needs the entry.
		vc.mu.Lock()
		delete(vc.entries, raw)
		vc.mu.Unlock()
		return nil, false
	}
	return e.claims, true
}

// put remembers raw as verified with claims and the key kid under the key
// generation gen (read before verifying, so that a rotation during the
// verification leaves the entry stale rather than wrong).
func (vc *verifiedCache) put(raw string, gen uint64, claims *accessClaims, kid string) {
	if vc == nil {
		return
	}
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vc.gen != gen {
		if gen < vc.gen {
			return // verified under keys that have since rotated
		}
		clear(vc.entries)
		vc.gen = gen
	}
	if _, ok := vc.entries[raw]; !ok && len(vc.entries) >= verifiedCacheSize {
		for k := range vc.entries { // evict one entry, in map order
			delete(vc.entries, k)
			break
		}
	}
	vc.entries[raw] = verifiedToken{claims: claims, kid: kid}
}
