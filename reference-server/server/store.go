package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"sync"
	"time"
)

// Refresh token failures, all invalid_grant to the client (RFC 6749 §5.2).
var (
	errRefreshUnknown = errors.New("refresh token is unknown")
	errRefreshExpired = errors.New("refresh token expired")
	errRefreshRevoked = errors.New("refresh token family was revoked")
	errRefreshReused  = errors.New("refresh token was already used; its family is revoked")
	errRefreshClient  = errors.New("refresh token belongs to another client")
)

// sweepEvery is how many insertions pass between sweeps of expired entries.
const sweepEvery = 256

// family is every refresh token descended from one password grant (RFC
// 9700 §4.14.2): reusing any used member revokes them all, together with
// the access tokens they produced.
type family struct {
	user, clientID, scope string
	expires               time.Time
	revoked               bool
	accessIDs             map[string]time.Time // jti → exp
	lastAccess            string
}

// refreshEntry is one refresh token, stored by hash only.
type refreshEntry struct {
	fam  *family
	used bool
}

// store holds refresh token families and revoked access token IDs in
// memory. It is safe for concurrent use.
type store struct {
	mu       sync.Mutex
	now      func() time.Time
	refresh  map[string]*refreshEntry // sha256(token) → entry
	revoked  map[string]time.Time     // jti → exp of the revoked token
	inserted int
}

func newStore(now func() time.Time) *store {
	return &store{now: now, refresh: map[string]*refreshEntry{}, revoked: map[string]time.Time{}}
}

// newFamily starts a family for a password grant.
func (st *store) newFamily(user, clientID, scope string, lifetime time.Duration) *family {
	return &family{
		user: user, clientID: clientID, scope: scope,
		expires:   st.now().Add(lifetime),
		accessIDs: map[string]time.Time{},
	}
}

// issue records an access token of fam and returns a fresh refresh token
// of 256 bits in it.
func (st *store) issue(fam *family, jti string, exp time.Time, accessToken string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	token := base64.RawURLEncoding.EncodeToString(b)

	st.mu.Lock()
	defer st.mu.Unlock()
	fam.accessIDs[jti] = exp
	fam.lastAccess = accessToken
	st.refresh[hashToken(token)] = &refreshEntry{fam: fam}
	st.inserted++
	if st.inserted%sweepEvery == 0 {
		st.sweepLocked()
	}
	return token
}

// useOptions are the insecure faults that weaken refresh token use.
type useOptions struct {
	allowReuse, keepFamily, anyClient bool
}

// use spends a refresh token of clientID and returns its family. A token
// used before is reuse: the whole family is revoked (RFC 9700 §4.14.2).
func (st *store) use(token, clientID string, opt useOptions) (*family, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.refresh[hashToken(token)]
	switch {
	case !ok:
		return nil, errRefreshUnknown
	case e.fam.revoked:
		return nil, errRefreshRevoked
	case !st.now().Before(e.fam.expires):
		return nil, errRefreshExpired
	case e.fam.clientID != clientID && !opt.anyClient:
		return nil, errRefreshClient
	case e.used && !opt.allowReuse:
		if !opt.keepFamily {
			st.revokeFamilyLocked(e.fam)
		}
		return nil, errRefreshReused
	}
	e.used = true
	return e.fam, nil
}

// lookupRefresh returns the family of an unused, live refresh token.
func (st *store) lookupRefresh(token string) (*family, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.refresh[hashToken(token)]
	if !ok || e.used || e.fam.revoked || !st.now().Before(e.fam.expires) {
		return nil, false
	}
	return e.fam, true
}

// revokeRefresh revokes the family of a refresh token of clientID (RFC
// 7009 §2.1) and reports whether the token was one.
func (st *store) revokeRefresh(token, clientID string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.refresh[hashToken(token)]
	if !ok {
		return false
	}
	if e.fam.clientID == clientID {
		st.revokeFamilyLocked(e.fam)
	}
	return true
}

// revokeAccess marks an access token ID revoked until the token expires.
func (st *store) revokeAccess(jti string, exp time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.revoked[jti] = exp
}

// isRevoked reports whether an access token ID was revoked.
func (st *store) isRevoked(jti string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	_, ok := st.revoked[jti]
	return ok
}

func (st *store) revokeFamilyLocked(f *family) {
	f.revoked = true
	for jti, exp := range f.accessIDs {
		st.revoked[jti] = exp
	}
}

// sweepLocked drops expired families and revocations, so memory stays
// bounded by the tokens alive at once.
func (st *store) sweepLocked() {
	now := st.now()
	for k, e := range st.refresh {
		if !now.Before(e.fam.expires) {
			delete(st.refresh, k)
		}
	}
	for jti, exp := range st.revoked {
		if now.After(exp.Add(time.Hour)) {
			delete(st.revoked, jti)
		}
	}
}

// hashToken is the key a refresh token is stored under, so a memory dump
// does not reveal usable tokens.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return string(sum[:])
}
