// Package embedded starts the reference server in-process on a loopback
// port and describes it as a steps.Target that has everything: the signing
// key, a confidential client, a resource-server client and a scoped user, so
// that every check the server supports runs against it. The harness uses it
// when no target is given; the harness's own tests use it as the default
// target and, with faults switched on, as the proof that checks can fail.
package embedded

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/authconform/authconform/reference-server/server"
	"github.com/authconform/authconform/steps"
)

// Options configure the embedded server. The zero value is the default
// target of "harness run".
type Options struct {
	// Alg is the signing algorithm: HS256 (default), RS256, ES256 or EdDSA.
	Alg string
	// TokenLifetime of access tokens. Default: the server's default.
	TokenLifetime time.Duration
	// Leeway the server tolerates on time claims; the Target declares the
	// same. Default: the server's default.
	Leeway time.Duration
	// InsecureFaults switches on deliberate deviations (server.Faults).
	InsecureFaults []string
	// PasswordCost is the bcrypt cost of the demo users. Default
	// bcrypt.MinCost: the embedded server is a throwaway local target, and
	// at bcrypt's default cost each login would cost ~80 ms of CPU, most of
	// a run's time.
	PasswordCost int
	// Logger receives the server's access log. Default: discard.
	Logger *slog.Logger
}

// Server is a running embedded reference server.
type Server struct {
	// Target describes the server for steps.New.
	Target steps.Target
	// Server is the reference server itself, for tests that inspect it.
	Server *server.Server

	stop func() error
}

// Start starts the reference server on a free loopback port. Stop it with
// Stop; it also stops when ctx ends.
func Start(ctx context.Context, opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	baseURL := "http://" + ln.Addr().String()

	cfg, err := opts.config(baseURL)
	if err != nil {
		ln.Close()
		return nil, err
	}
	srv, err := server.New(cfg)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("configure the reference server: %w", err)
	}

	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	stop := func() error {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
	return &Server{Target: describe(srv, baseURL, cfg), Server: srv, stop: stop}, nil
}

// Stop shuts the server down and waits for it.
func (s *Server) Stop() error { return s.stop() }

func (o Options) config(baseURL string) (server.Config, error) {
	cost := o.PasswordCost
	if cost == 0 {
		cost = bcrypt.MinCost
	}
	users, err := server.DemoUsers(cost)
	if err != nil {
		return server.Config{}, err
	}
	cfg := server.Config{
		Issuer:         baseURL,
		Alg:            o.Alg,
		TokenLifetime:  o.TokenLifetime,
		Leeway:         o.Leeway,
		Users:          users,
		InsecureFaults: o.InsecureFaults,
		Logger:         o.Logger,
	}
	if o.Alg == "" || o.Alg == "HS256" {
		// A secret of our own, so the harness can hold the key.
		cfg.Secret = make([]byte, 32)
		if _, err := rand.Read(cfg.Secret); err != nil {
			return cfg, fmt.Errorf("generate signing secret: %w", err)
		}
	}
	return cfg, nil
}

// describe builds the Target of a running server: all its demo
// credentials and its signing key, so that no check is skipped for want of
// configuration.
func describe(srv *server.Server, baseURL string, cfg server.Config) steps.Target {
	key := &steps.SigningKey{Alg: srv.Alg(), KeyID: srv.KeyID()}
	if srv.Alg() == "HS256" {
		key.Key = steps.NewSecret(string(srv.HMACSecret()))
	} else {
		key.Key = steps.NewSecret(string(srv.SigningKeyPEM()))
	}
	leeway := cfg.Leeway
	switch {
	case leeway == 0:
		leeway = server.DefaultLeeway
	case leeway < 0:
		leeway = 0
	}
	return steps.Target{
		BaseURL:              baseURL,
		TokenPath:            server.PathToken,
		ProtectedPath:        server.PathSecureData,
		Username:             server.DemoUsername,
		Password:             steps.NewSecret(server.DemoPassword),
		ClientAuth:           steps.ClientAuthBasic,
		ClientID:             server.DemoConfidentialClientID,
		ClientSecret:         steps.NewSecret(server.DemoConfidentialClientSecret),
		ResourceClientID:     server.DemoResourceClientID,
		ResourceClientSecret: steps.NewSecret(server.DemoResourceClientSecret),
		SecondClientID:       server.DefaultClientID,
		SecondUser: &steps.Credentials{
			Username: server.DemoAdminUsername,
			Password: steps.NewSecret(server.DemoAdminPassword),
		},
		ScopedUser: &steps.Credentials{
			Username: server.DemoAdminUsername,
			Password: steps.NewSecret(server.DemoAdminPassword),
			Scope:    server.ScopeAdmin,
		},
		ScopedPath: server.PathAdmin,
		SigningKey: key,
		Issuer:     baseURL,
		Audience:   server.DefaultAudience,
		Leeway:     leeway,
	}
}
