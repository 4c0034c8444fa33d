package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/authconform/authconform/reference-server/server"
)

// These benchmarks use only the exported API, so they survive refactors of
// the package's insides. `make bench` runs them with -benchmem; the cost of
// verifying a token alone is BenchmarkSecureData/valid_token minus
// BenchmarkHealthz (the router, middleware and JSON the two share).

// newBenchServer builds a server with the demo users hashed at cost and
// the given logger (nil: the default, which discards).
func newBenchServer(b *testing.B, cost int, logger *slog.Logger) *server.Server {
	b.Helper()
	return newBenchServerConfig(b, cost, server.Config{Logger: logger})
}

// newBenchServerConfig builds a server from cfg with the demo users hashed
// at cost and a fixed secret.
func newBenchServerConfig(b *testing.B, cost int, cfg server.Config) *server.Server {
	b.Helper()
	users, err := server.DemoUsers(cost)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Secret, cfg.Users = []byte(strings.Repeat("k", 32)), users
	srv, err := server.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

func tokenRequest(password string) *http.Request {
	form := url.Values{"grant_type": {"password"}, "username": {server.DemoUsername}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, server.PathToken, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// issueToken gets a token from srv through its token endpoint.
func issueToken(b *testing.B, srv *server.Server) string {
	b.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, tokenRequest(server.DemoPassword))
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); rec.Code != http.StatusOK || err != nil {
		b.Fatalf("POST /token: status %d, body %q", rec.Code, rec.Body)
	}
	return body.AccessToken
}

// serve sends a fresh request from newReq through srv on every iteration
// and checks its status.
func serve(b *testing.B, srv http.Handler, newReq func() *http.Request, wantStatus int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, newReq())
		if rec.Code != wantStatus {
			b.Fatalf("status %d, want %d: %s", rec.Code, wantStatus, rec.Body)
		}
	}
}

// BenchmarkHealthz is the floor every request pays: router, access log,
// recovery, body limit and a JSON response, without authentication.
func BenchmarkHealthz(b *testing.B) {
	srv := newBenchServer(b, bcrypt.MinCost, nil)
	serve(b, srv, func() *http.Request {
		return httptest.NewRequest(http.MethodGet, server.PathHealth, nil)
	}, http.StatusOK)
}

// BenchmarkSecureData is the authentication middleware and the protected
// handler: a valid token is verified (signature, type, claims, subject);
// the others are turned away at each stage.
func BenchmarkSecureData(b *testing.B) {
	srv := newBenchServer(b, bcrypt.MinCost, nil)
	token := issueToken(b, srv)
	tampered := token[:len(token)-4] + "AAAA"
	cases := []struct {
		name          string
		authorization string
		wantStatus    int
	}{
		{name: "valid token", authorization: "Bearer " + token, wantStatus: http.StatusOK},
		{name: "no credentials", wantStatus: http.StatusUnauthorized},
		{name: "not a JWT", authorization: "Bearer not-a-jwt", wantStatus: http.StatusUnauthorized},
		{name: "bad signature", authorization: "Bearer " + tampered, wantStatus: http.StatusUnauthorized},
	}
	for _, tc := range cases {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			serve(b, srv, func() *http.Request {
				req := httptest.NewRequest(http.MethodGet, server.PathSecureData, nil)
				if tc.authorization != "" {
					req.Header.Set("Authorization", tc.authorization)
				}
				return req
			}, tc.wantStatus)
		})
	}
}

// BenchmarkSecureDataAccessLog is a valid request with the access log on,
// written as JSON to a discarding writer: the cost of logging each request.
func BenchmarkSecureDataAccessLog(b *testing.B) {
	srv := newBenchServer(b, bcrypt.MinCost, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	token := issueToken(b, srv)
	serve(b, srv, func() *http.Request {
		req := httptest.NewRequest(http.MethodGet, server.PathSecureData, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return req
	}, http.StatusOK)
}

// BenchmarkToken is the password grant: bcrypt comparison, signing and
// the JSON response, at bcrypt's minimum and default costs. The gap between
// the two is what a lower REFSERVER_BCRYPT_COST buys.
func BenchmarkToken(b *testing.B) {
	for _, tc := range []struct {
		name string
		cost int
	}{
		{name: "bcrypt_cost_4", cost: bcrypt.MinCost},
		{name: "bcrypt_cost_10", cost: bcrypt.DefaultCost},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := newBenchServer(b, tc.cost, nil)
			serve(b, srv, func() *http.Request { return tokenRequest(server.DemoPassword) }, http.StatusOK)
		})
	}
}

// BenchmarkTokenWrongPassword is a refused password grant, which must cost
// as much as a good one (CHECKS.md T07). Throttling is off: it would turn
// the refusals into 429s after a few.
func BenchmarkTokenWrongPassword(b *testing.B) {
	srv := newBenchServerConfig(b, bcrypt.MinCost, server.Config{ThrottleFailures: -1})
	serve(b, srv, func() *http.Request { return tokenRequest("wrong") }, http.StatusBadRequest)
}
