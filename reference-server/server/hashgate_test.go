package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// heldHasher is a bcrypt comparison that blocks until released, standing in
// for a slow hash on a busy machine.
type heldHasher struct {
	entered chan struct{}
	release chan struct{}
}

func newHeldHasher() *heldHasher {
	return &heldHasher{entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (h *heldHasher) compare(hash, password []byte) error {
	h.entered <- struct{}{}
	<-h.release
	return bcrypt.CompareHashAndPassword(hash, password)
}

// serveLogin sends a password grant for testuser and records the answer,
// without failing on a 5xx as fixture.do does.
func serveLogin(srv *Server) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, PathToken, strings.NewReader(passwordForm(DemoUsername, DemoPassword)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// TestPasswordGrant_busyHasherIs503: with every hashing slot taken and no
// wait allowed, a login is refused at once with 503, Retry-After and an
// RFC 6749-shaped temporarily_unavailable body that forbids caching, and
// the login holding the slot still succeeds.
func TestPasswordGrant_busyHasherIs503(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.PasswordHashConcurrency = 1
		c.PasswordHashWait = -1
	})
	hasher := newHeldHasher()
	f.srv.hashes.compare = hasher.compare

	first := make(chan *httptest.ResponseRecorder)
	go func() { first <- serveLogin(f.srv) }()
	<-hasher.entered

	busy := serveLogin(f.srv)
	close(hasher.release)
	if got := (<-first).Code; got != http.StatusOK {
		t.Errorf("login holding the slot: status %d, want 200", got)
	}

	if busy.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503 (body %s)", busy.Code, busy.Body)
	}
	var body map[string]string
	if err := json.Unmarshal(busy.Body.Bytes(), &body); err != nil || body["error"] != codeTemporarily {
		t.Errorf("body %s: want error %q", busy.Body, codeTemporarily)
	}
	for header, want := range map[string]string{"Retry-After": "1", "Cache-Control": "no-store", "Pragma": "no-cache"} {
		if got := busy.Header().Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	if busy.Body.String() == "" || strings.Contains(busy.Body.String(), "access_token") {
		t.Errorf("body %s", busy.Body)
	}
}

// TestPasswordGrant_waitsForAFreeSlot: logins beyond the concurrency bound
// wait within the budget instead of failing.
func TestPasswordGrant_waitsForAFreeSlot(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.PasswordHashConcurrency = 1
		c.PasswordHashWait = time.Hour
	})
	hasher := newHeldHasher()
	f.srv.hashes.compare = hasher.compare

	const logins = 4
	codes := make(chan int, logins)
	var wg sync.WaitGroup
	for range logins {
		wg.Go(func() { codes <- serveLogin(f.srv).Code })
	}
	<-hasher.entered
	close(hasher.release)
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != http.StatusOK {
			t.Errorf("status %d, want 200", code)
		}
	}
}

// TestHashGate_clientGoneStopsWaiting: a login whose client left stops
// waiting for a slot.
func TestHashGate_clientGoneStopsWaiting(t *testing.T) {
	g := newHashGate(1, time.Hour)
	g.slots <- struct{}{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { _, err := g.match(ctx, nil, nil); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

// failingWriter is a connection whose send fails, as after the write
// timeout.
type failingWriter struct{ *httptest.ResponseRecorder }

func (failingWriter) FlushError() error { return errors.New("i/o timeout") }

// TestAccessLog_failedSendIsNotLoggedAsSent: when the answer cannot be
// sent, the access line says status 0 and the write error, not 200.
func TestAccessLog_failedSendIsNotLoggedAsSent(t *testing.T) {
	var logs bytes.Buffer
	f := newFixture(t, func(c *Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	req := httptest.NewRequest(http.MethodPost, PathToken, strings.NewReader(passwordForm(DemoUsername, DemoPassword)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	f.srv.ServeHTTP(failingWriter{httptest.NewRecorder()}, req)

	var line struct {
		Status int    `json:"status"`
		Err    string `json:"err"`
	}
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("log %q: %v", logs.String(), err)
	}
	if line.Status != 0 || !strings.Contains(line.Err, "send response 200") || !strings.Contains(line.Err, "i/o timeout") {
		t.Errorf("logged status %d err %q, want 0 and the write error", line.Status, line.Err)
	}
}

// TestDeliver_setsContentLength: a held response goes out with its length,
// as net/http would have set it.
func TestDeliver_setsContentLength(t *testing.T) {
	f := newFixture(t, nil)
	r := f.login()
	if got, want := r.Header().Get("Content-Length"), len(r.Body.Bytes()); got != strconv.Itoa(want) {
		t.Errorf("Content-Length %q, want %d", got, want)
	}
}
