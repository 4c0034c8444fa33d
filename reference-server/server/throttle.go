package server

import (
	"sync"
	"time"
)

// maxThrottled bounds how many usernames the throttle tracks, so a flood of
// made-up names cannot exhaust memory.
const maxThrottled = 10000

// throttle locks a username out of the password grant after too many wrong
// passwords in a row (RFC 6749 §4.3.2 asks the server to protect the
// endpoint against brute force). Unknown usernames are tracked alike, so
// the lock-out reveals nothing about which users exist.
type throttle struct {
	max     int // failures that trigger a lock-out; ≤ 0 disables
	lockout time.Duration
	now     func() time.Time

	mu    sync.Mutex
	state map[string]*throttleState
}

type throttleState struct {
	failures    int
	lockedUntil time.Time
}

func newThrottle(max int, lockout time.Duration, now func() time.Time) *throttle {
	return &throttle{max: max, lockout: lockout, now: now, state: map[string]*throttleState{}}
}

// wait returns how long username must wait before trying again; zero means
// it may try now.
func (t *throttle) wait(username string) time.Duration {
	if t.max <= 0 {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	st, ok := t.state[username]
	if !ok {
		return 0
	}
	if d := st.lockedUntil.Sub(t.now()); d > 0 {
		return d
	}
	return 0
}

// fail records a wrong password; the max-th in a row starts a lock-out.
func (t *throttle) fail(username string) {
	if t.max <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	st, ok := t.state[username]
	if !ok {
		if len(t.state) >= maxThrottled {
			t.sweepLocked()
		}
		st = &throttleState{}
		t.state[username] = st
	}
	st.failures++
	if st.failures >= t.max {
		st.failures = 0
		st.lockedUntil = t.now().Add(t.lockout)
	}
}

// succeed forgets the failures of username.
func (t *throttle) succeed(username string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.state, username)
}

// sweepLocked drops every username not locked out now; if that is not
// enough, it starts over, which at worst resets some failure counts.
func (t *throttle) sweepLocked() {
	now := t.now()
	for name, st := range t.state {
		if !st.lockedUntil.After(now) {
			delete(t.state, name)
		}
	}
	if len(t.state) >= maxThrottled {
		t.state = map[string]*throttleState{}
	}
}
