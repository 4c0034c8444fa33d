package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// errHashBusy means every password hashing slot stayed busy for the whole
// wait budget.
var errHashBusy = errors.New("every password hashing slot stayed busy")

// hashGate bounds how many bcrypt comparisons run at once. Each takes tens
// of milliseconds of one core, so without a bound a burst of logins shares
// the cores until every one of them takes longer than the http.Server's
// write timeout, and then no answer is delivered at all. With the bound, a
// login waits at most wait for a slot and is otherwise refused at once,
// which keeps the logins that do run fast.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration // <= 0: do not wait
	// compare is bcrypt.CompareHashAndPassword; tests put a slow one here.
	compare func(hash, password []byte) error
}

func newHashGate(concurrency int, wait time.Duration) *hashGate {
	return &hashGate{
		slots:   make(chan struct{}, concurrency),
		wait:    wait,
		compare: bcrypt.CompareHashAndPassword,
	}
}

// match reports whether password matches hash. It fails with errHashBusy
// when no slot frees up within the wait budget, and with ctx's error when
// the client goes away while waiting.
func (g *hashGate) match(ctx context.Context, hash, password []byte) (bool, error) {
	if err := g.acquire(ctx); err != nil {
		return false, err
	}
	defer func() { <-g.slots }()
	return g.compare(hash, password) == nil, nil
}

func (g *hashGate) acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.wait <= 0 {
		return fmt.Errorf("%w (%d slots, no waiting)", errHashBusy, cap(g.slots))
	}
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return fmt.Errorf("%w for %s (%d slots)", errHashBusy, g.wait, cap(g.slots))
	case <-ctx.Done():
		return fmt.Errorf("wait for a password hashing slot: %w", ctx.Err())
	}
}
