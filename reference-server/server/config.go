// Package server is the authconform reference server: an OAuth 2.0
// authorization server (RFC 6749 token endpoint, RFC 7009 revocation,
// RFC 7662 introspection, RFC 8414 metadata) and JWT-protected resources
// (RFC 6750, RFC 9068) that implement the specification the harness checks.
// It is the harness's default target and the model of what a conforming API
// answers. Deliberate faults (see Faults) turn single behaviours wrong so
// that each negative check can be shown to fail.
package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Defaults applied by New to a zero Config.
const (
	DefaultIssuer          = "http://authconform.local"
	DefaultAudience        = "authconform-api"
	DefaultRealm           = "authconform"
	DefaultAlg             = "HS256"
	DefaultTokenLifetime   = 15 * time.Minute
	DefaultRefreshLifetime = 24 * time.Hour
	DefaultLeeway          = 30 * time.Second
	DefaultClientID        = "authconform-cli"
	// DefaultPasswordCost is the bcrypt cost of the demo users' hashes. It is
	// bcrypt's own default (about 50 ms a hash on a laptop): slow enough to
	// make a stolen hash costly to crack, fast enough for a test target.
	// Tests lower it to bcrypt.MinCost to save time; never raise an
	// attacker's guessing rate that way on anything but a local target.
	DefaultPasswordCost = bcrypt.DefaultCost
	// DefaultThrottleFailures is how many wrong passwords in a row lock a
	// username out of the token endpoint for DefaultThrottleLockout.
	DefaultThrottleFailures = 10
	DefaultThrottleLockout  = 30 * time.Second
	// DefaultPasswordHashWait is how long a password grant waits for a
	// hashing slot: well under the 10 s write timeout of Serve, so that
	// even a login that waited the whole budget is answered in time.
	DefaultPasswordHashWait = 2 * time.Second
	// MaxTokenLifetime bounds Config.TokenLifetime at one year, the largest
	// expires_in clients treat as plausible (CHECKS.md T04).
	MaxTokenLifetime = 365 * 24 * time.Hour
)

// Scopes known to the reference server. A token request naming any other
// scope is invalid_scope (RFC 6749 §5.2).
const (
	ScopeRead   = "read"
	ScopeAdmin  = "admin"
	ScopeOrders = "orders"
)

// knownScopes lists every scope in the order metadata advertises them.
var knownScopes = []string{ScopeRead, ScopeAdmin, ScopeOrders}

// Config configures a Server. The zero value is usable: New fills in every
// default documented on the fields.
type Config struct {
	// Issuer is the iss claim of issued tokens, the only issuer accepted and
	// the base of every endpoint URL in the RFC 8414 metadata. Default
	// DefaultIssuer; an embedding harness sets it to the server's base URL.
	Issuer string
	// Audience is the aud claim of issued tokens and the only audience
	// accepted. Default DefaultAudience.
	Audience string
	// Realm is the realm of every WWW-Authenticate challenge. Default
	// DefaultRealm.
	Realm string

	// Alg is the one signing algorithm: HS256, RS256, ES256 or EdDSA.
	// Default DefaultAlg. Tokens with any other alg are refused.
	Alg string
	// Secret is the HS256 signing key (at least 32 bytes). Default: 32
	// random bytes per process. Used only when Alg is HS256.
	Secret []byte
	// SigningKeyPEM is the private key for RS256 (RSA, PKCS#1 or PKCS#8),
	// ES256 (P-256, SEC 1 or PKCS#8) or EdDSA (Ed25519, PKCS#8). Default: a
	// key generated at start. Used only when Alg is not HS256.
	SigningKeyPEM []byte
	// PreviousKeys are verification keys of a key rotation: tokens signed by
	// them stay valid until they expire, while new tokens are signed with
	// the current key. For HS256 each is a secret; otherwise a public or
	// private key PEM of the same algorithm. Default none.
	PreviousKeys [][]byte

	// TokenLifetime is the lifetime of access tokens, the expires_in of
	// every token response. Default DefaultTokenLifetime.
	TokenLifetime time.Duration
	// RefreshLifetime bounds a refresh token family from its password grant.
	// Default DefaultRefreshLifetime.
	RefreshLifetime time.Duration
	// Leeway is the clock skew tolerated on exp, nbf and iat. Default
	// DefaultLeeway; a negative value means none.
	Leeway time.Duration

	// Users are the resource owners the password grant accepts. Default
	// DemoUsers(PasswordCost).
	Users []User
	// PasswordCost is the bcrypt cost of the default demo users. Default
	// DefaultPasswordCost.
	PasswordCost int
	// PasswordHashConcurrency bounds how many password hashes (bcrypt
	// comparisons) run at once. Default runtime.GOMAXPROCS(0): one a core.
	PasswordHashConcurrency int
	// PasswordHashWait is how long a password grant waits for a hashing
	// slot before it is answered 503 temporarily_unavailable with
	// Retry-After. Default DefaultPasswordHashWait; a negative value means
	// no waiting.
	PasswordHashWait time.Duration
	// Clients are the OAuth clients. Default DemoClients(): the public
	// client DefaultClientID (used when a request names none), a
	// confidential client and a resource-server client for introspection.
	Clients []Client

	// ThrottleFailures is how many wrong passwords in a row lock a username
	// out of the token endpoint (429 with Retry-After) for ThrottleLockout.
	// Default DefaultThrottleFailures; a negative value turns throttling off.
	ThrottleFailures int
	// ThrottleLockout is how long a lock-out lasts. Default
	// DefaultThrottleLockout.
	ThrottleLockout time.Duration

	// InsecureFaults names deliberate deviations to switch on (see Faults).
	// WARNING: each one makes the server exploitable; Serve refuses to
	// listen on anything but loopback while any is set.
	InsecureFaults []string

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

// Client is an OAuth client (RFC 6749 §2). A client without a secret is
// public; one with a secret is confidential and authenticates with
// client_secret_basic or client_secret_post (§2.3.1).
type Client struct {
	ID     string
	Secret string
	// ResourceServer marks the credentials of a protected resource: they may
	// call the introspection endpoint (RFC 7662 §2.1) and nothing else.
	ResourceServer bool
}

// Demo credentials, documented in the README. They are public by design:
// the reference server is a local test target, never a real service.
const (
	DemoUsername      = "testuser"
	DemoPassword      = "testpass"
	DemoAdminUsername = "admin"
	DemoAdminPassword = "adminpass"

	DemoConfidentialClientID     = "authconform-confidential"
	DemoConfidentialClientSecret = "confidential-secret"
	DemoResourceClientID         = "authconform-rs"
	DemoResourceClientSecret     = "rs-secret"
)

// DemoUsers returns the documented demo users with bcrypt hashes of the
// given cost (DefaultPasswordCost when cost is 0): testuser with scopes
// "read orders" and admin with "read admin orders".
func DemoUsers(cost int) ([]User, error) {
	if cost == 0 {
		cost = DefaultPasswordCost
	}
	if err := checkCost(cost); err != nil {
		return nil, err
	}
	demo := []struct {
		name, password string
		scopes         []string
	}{
		{DemoUsername, DemoPassword, []string{ScopeRead, ScopeOrders}},
		{DemoAdminUsername, DemoAdminPassword, []string{ScopeRead, ScopeAdmin, ScopeOrders}},
	}
	users := make([]User, 0, len(demo))
	for _, d := range demo {
		hash, err := bcrypt.GenerateFromPassword([]byte(d.password), cost)
		if err != nil {
			return nil, fmt.Errorf("hash demo password of %s: %w", d.name, err)
		}
		users = append(users, User{Name: d.name, PasswordHash: hash, Scopes: d.scopes})
	}
	return users, nil
}

// checkCost rejects a bcrypt cost outside [bcrypt.MinCost,
// bcrypt.MaxCost]; 0 stands for the default. bcrypt itself would quietly
// use its default for a cost under the minimum.
func checkCost(cost int) error {
	if cost != 0 && (cost < bcrypt.MinCost || cost > bcrypt.MaxCost) {
		return fmt.Errorf("password cost %d: must be within [%d, %d]", cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	return nil
}

// DemoClients returns the documented demo clients: the public client
// DefaultClientID, the confidential client DemoConfidentialClientID and the
// resource-server client DemoResourceClientID.
func DemoClients() []Client {
	return []Client{
		{ID: DefaultClientID},
		{ID: DemoConfidentialClientID, Secret: DemoConfidentialClientSecret},
		{ID: DemoResourceClientID, Secret: DemoResourceClientSecret, ResourceServer: true},
	}
}

// withDefaults returns a copy of c with every zero field set to its default.
func (c Config) withDefaults() (Config, error) {
	c.Issuer = strings.TrimSuffix(orDefault(c.Issuer, DefaultIssuer), "/")
	c.Audience = orDefault(c.Audience, DefaultAudience)
	c.Realm = orDefault(c.Realm, DefaultRealm)
	c.Alg = orDefault(c.Alg, DefaultAlg)
	if c.Alg == "HS256" && len(c.Secret) == 0 {
		c.Secret = make([]byte, 32)
		if _, err := rand.Read(c.Secret); err != nil {
			return c, fmt.Errorf("generate signing secret: %w", err)
		}
	}
	if c.TokenLifetime == 0 {
		c.TokenLifetime = DefaultTokenLifetime
	}
	if c.RefreshLifetime == 0 {
		c.RefreshLifetime = DefaultRefreshLifetime
	}
	switch {
	case c.Leeway == 0:
		c.Leeway = DefaultLeeway
	case c.Leeway < 0:
		c.Leeway = 0
	}
	if c.ThrottleFailures == 0 {
		c.ThrottleFailures = DefaultThrottleFailures
	}
	if c.ThrottleLockout == 0 {
		c.ThrottleLockout = DefaultThrottleLockout
	}
	if c.PasswordHashConcurrency == 0 {
		c.PasswordHashConcurrency = runtime.GOMAXPROCS(0)
	}
	if c.PasswordHashWait == 0 {
		c.PasswordHashWait = DefaultPasswordHashWait
	}
	if err := checkCost(c.PasswordCost); err != nil {
		return c, err
	}
	if c.Users == nil {
		users, err := DemoUsers(c.PasswordCost)
		if err != nil {
			return c, err
		}
		c.Users = users
	}
	if c.Clients == nil {
		c.Clients = DemoClients()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, c.validate()
}

func orDefault(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

// CheckIssuer reports whether issuer can be an issuer identifier: an
// absolute http or https URL without query or fragment (RFC 8414 §2, which
// asks for https; plain http is allowed for local targets). The metadata
// builds every endpoint URL on it.
func CheckIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	switch {
	case err != nil:
		return fmt.Errorf("issuer %q: %w", issuer, err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Opaque != "":
		return fmt.Errorf("issuer %q: must be an absolute http or https URL", issuer)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(issuer, "#"):
		return fmt.Errorf("issuer %q: must have no query or fragment (RFC 8414 §2)", issuer)
	case u.User != nil:
		return fmt.Errorf("issuer %q: must have no user info", issuer)
	}
	return nil
}

func (c Config) validate() error {
	if err := CheckIssuer(c.Issuer); err != nil {
		return err
	}
	switch {
	case c.Alg == "HS256" && len(c.Secret) < 32 && !slices.Contains(c.InsecureFaults, faultWeakSecret):
		return errors.New("secret: HS256 needs at least 32 bytes (RFC 7518 §3.2)")
	case c.TokenLifetime < time.Second:
		return fmt.Errorf("token lifetime %s: must be at least 1s", c.TokenLifetime)
	case c.TokenLifetime > MaxTokenLifetime:
		return fmt.Errorf("token lifetime %s: must be at most %s", c.TokenLifetime, MaxTokenLifetime)
	case c.RefreshLifetime < c.TokenLifetime:
		return fmt.Errorf("refresh lifetime %s: must be at least the token lifetime", c.RefreshLifetime)
	case c.PasswordHashConcurrency < 0:
		return fmt.Errorf("password hash concurrency %d: must not be negative", c.PasswordHashConcurrency)
	case c.ThrottleLockout < 0:
		return fmt.Errorf("throttle lockout %s: must not be negative", c.ThrottleLockout)
	case len(c.Users) == 0:
		return errors.New("users: at least one user is needed")
	}
	for _, u := range c.Users {
		if u.Name == "" || len(u.PasswordHash) == 0 {
			return errors.New("users: every user needs a name and a bcrypt hash")
		}
		for _, sc := range u.Scopes {
			if !isKnownScope(sc) {
				return fmt.Errorf("user %s: unknown scope %q (known: %s)", u.Name, sc, strings.Join(knownScopes, " "))
			}
		}
	}
	seen := map[string]bool{}
	for _, cl := range c.Clients {
		switch {
		case cl.ID == "":
			return errors.New("clients: every client needs an id")
		case seen[cl.ID]:
			return fmt.Errorf("clients: id %q appears twice", cl.ID)
		case cl.ResourceServer && cl.Secret == "":
			return fmt.Errorf("client %s: a resource-server client needs a secret", cl.ID)
		}
		seen[cl.ID] = true
	}
	if !seen[DefaultClientID] {
		return fmt.Errorf("clients: the default public client %q is missing", DefaultClientID)
	}
	return validateFaults(c.InsecureFaults)
}

func isKnownScope(s string) bool {
	for _, k := range knownScopes {
		if s == k {
			return true
		}
	}
	return false
}
