// Package server is the authconform reference server: an OAuth 2.0 token
// endpoint (RFC 6749) and a JWT-protected resource (RFC 6750, RFC 9068) that
// implement the specification the harness checks. It is the harness's
// default target and the model of what a conforming API answers.
package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Defaults applied by New to a zero Config.
const (
	DefaultIssuer        = "http://authconform.local"
	DefaultAudience      = "authconform-api"
	DefaultRealm         = "authconform"
	DefaultTokenLifetime = 15 * time.Minute
	DefaultLeeway        = 30 * time.Second
	DefaultClientID      = "authconform-cli"
	// DefaultPasswordCost is the bcrypt cost of the demo users' hashes. It is
	// bcrypt's own default; lower it only for local benchmarks.
	DefaultPasswordCost = bcrypt.DefaultCost
	// MaxTokenLifetime bounds Config.TokenLifetime at one year, the largest
	// expires_in clients treat as plausible (CHECKS.md T04).
	MaxTokenLifetime = 365 * 24 * time.Hour
)

// Config configures a Server. The zero value is usable: New fills in every
// default documented on the fields.
type Config struct {
	// Issuer is the iss claim of issued tokens and the only issuer accepted.
	// Default DefaultIssuer.
	Issuer string
	// Audience is the aud claim of issued tokens and the only audience
	// accepted. Default DefaultAudience.
	Audience string
	// Realm is the realm of every WWW-Authenticate challenge. Default
	// DefaultRealm.
	Realm string
	// Secret is the HS256 signing key. Default: 32 random bytes per process.
	Secret []byte
	// TokenLifetime is the lifetime of access tokens, the expires_in of
	// every token response. Default DefaultTokenLifetime.
	TokenLifetime time.Duration
	// Leeway is the clock skew tolerated on exp, nbf and iat. Default
	// DefaultLeeway; a negative value means none.
	Leeway time.Duration
	// Users are the resource owners the password grant accepts. Default
	// DemoUsers(DefaultPasswordCost).
	Users []User
	// Now is the server's clock. Default time.Now.
	Now func() time.Time
	// Logger receives one access line per request and start-up events.
	// Default: discard.
	Logger *slog.Logger
}

// User is a resource owner known to the password grant.
type User struct {
	Name         string
	PasswordHash []byte // bcrypt
	Scopes       []string
}

// Demo user credentials, documented in the README. They are public by
// design: the reference server is a local test target, never a real service.
const (
	DemoUsername = "testuser"
	DemoPassword = "testpass"
)

// DemoUsers returns the documented demo users with bcrypt hashes of the
// given cost (bcrypt.DefaultCost when cost is 0).
func DemoUsers(cost int) ([]User, error) {
	if cost == 0 {
		cost = DefaultPasswordCost
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(DemoPassword), cost)
	if err != nil {
		return nil, fmt.Errorf("hash demo password: %w", err)
	}
	return []User{{Name: DemoUsername, PasswordHash: hash, Scopes: []string{"read"}}}, nil
}

// withDefaults returns a copy of c with every zero field set to its default.
func (c Config) withDefaults() (Config, error) {
	if c.Issuer == "" {
		c.Issuer = DefaultIssuer
	}
	if c.Audience == "" {
		c.Audience = DefaultAudience
	}
	if c.Realm == "" {
		c.Realm = DefaultRealm
	}
	if len(c.Secret) == 0 {
		c.Secret = make([]byte, 32)
		if _, err := rand.Read(c.Secret); err != nil {
			return c, fmt.Errorf("generate signing secret: %w", err)
		}
	}
	if c.TokenLifetime == 0 {
		c.TokenLifetime = DefaultTokenLifetime
	}
	if c.Leeway == 0 {
		c.Leeway = DefaultLeeway
	} else if c.Leeway < 0 {
		c.Leeway = 0
	}
	if c.Users == nil {
		users, err := DemoUsers(DefaultPasswordCost)
		if err != nil {
			return c, err
		}
		c.Users = users
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c, c.validate()
}

func (c Config) validate() error {
	switch {
	case len(c.Secret) < 32:
		return errors.New("secret: HS256 needs at least 32 bytes (RFC 7518 §3.2)")
	case c.TokenLifetime < time.Second:
		return fmt.Errorf("token lifetime %s: must be at least 1s", c.TokenLifetime)
	case c.TokenLifetime > MaxTokenLifetime:
		return fmt.Errorf("token lifetime %s: must be at most %s", c.TokenLifetime, MaxTokenLifetime)
	}
	for _, u := range c.Users {
		if u.Name == "" || len(u.PasswordHash) == 0 {
			return errors.New("users: every user needs a name and a bcrypt hash")
		}
	}
	return nil
}
