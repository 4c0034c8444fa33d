package server

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Paths served by the reference server.
const (
	PathToken      = "/token"
	PathRevoke     = "/revoke"
	PathIntrospect = "/introspect"
	PathMetadata   = "/.well-known/oauth-authorization-server"
	PathJWKS       = "/.well-known/jwks.json"
	PathSecureData = "/secure-data"
	PathMe         = "/users/me"
	PathAdmin      = "/admin"
	PathOrders     = "/orders"
	PathHealth     = "/healthz"
)

// maxBodyBytes bounds every request body (echo size notation); anything
// larger is refused with 413 before it is read.
const maxBodyBytes = "64K"

// ctxKeyErr is where handleError leaves the error for the access log.
const ctxKeyErr = "authconform.err"

// ErrInsecureListener means Serve was asked to listen beyond loopback with
// an insecure fault switched on.
var ErrInsecureListener = errors.New("insecure faults are allowed on loopback addresses only")

// Server is the reference server. Create it with New; it is an
// http.Handler and safe for concurrent use.
type Server struct {
	cfg      Config
	echo     *echo.Echo
	parser   *jwt.Parser
	verified *verifiedCache // nil when any insecure fault is on
	keys     *keySet
	store    *store
	throttle *throttle
	hashes   *hashGate
	orders   *orderBook
	faults   faultSet
	users    map[string]User
	clients  map[string]Client
	// dummyHash is compared against for unknown users so that their
	// failure costs as much as a wrong password (CHECKS.md T07).
	dummyHash []byte
}

// New validates cfg, fills in its defaults and builds the server.
func New(cfg Config) (*Server, error) {
	faults := newFaultSet(cfg.InsecureFaults)
	if faults.on(faultWeakSecret) && (cfg.Alg == "" || cfg.Alg == "HS256") {
		cfg.Alg, cfg.Secret = "HS256", []byte("secret")
	}
	if faults.on(faultNoThrottling) {
		cfg.ThrottleFailures = -1
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	keys, err := newKeySet(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		keys:     keys,
		store:    newStore(cfg.Now),
		throttle: newThrottle(cfg.ThrottleFailures, cfg.ThrottleLockout, cfg.Now),
		hashes:   newHashGate(cfg.PasswordHashConcurrency, cfg.PasswordHashWait),
		orders:   &orderBook{orders: map[string][]order{}},
		faults:   faults,
		users:    make(map[string]User, len(cfg.Users)),
		clients:  make(map[string]Client, len(cfg.Clients)),
	}
	for _, u := range cfg.Users {
		s.users[u.Name] = u
	}
	for _, cl := range cfg.Clients {
		s.clients[cl.ID] = cl
	}
	s.dummyHash = cfg.Users[0].PasswordHash
	s.parser = s.newParser()
	if len(faults) == 0 {
		s.verified = newVerifiedCache(jwt.NewValidator(s.validationOptions()...))
	}
	s.echo = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.echo.ServeHTTP(w, r)
}

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Use(s.accessLog)
	e.Use(s.deliver)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}))
	// Before the body limit, so that a 413 from the token endpoint also
	// forbids caching.
	e.Use(s.tokenNoStore)
	e.Use(bodyLimit(middleware.BodyLimit(maxBodyBytes)))

	// The OAuth endpoints answer every method themselves, so that a wrong
	// one gets an RFC 6749 §5.2 body with 405 and Allow.
	e.Any(PathToken, s.handleToken)
	e.Any(PathRevoke, s.handleRevoke)
	e.Any(PathIntrospect, s.handleIntrospect)
	e.GET(PathMetadata, s.handleMetadata)
	e.GET(PathJWKS, s.handleJWKS)
	e.GET(PathHealth, func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})

	e.GET(PathSecureData, s.handleSecureData, s.requireBearer)
	e.GET(PathMe, s.handleMe, s.requireBearer)
	e.GET(PathAdmin, s.handleAdmin, s.requireBearer, s.requireScope(ScopeAdmin))
	orders := e.Group(PathOrders, s.requireBearer, s.requireScope(ScopeOrders))
	orders.GET("", s.handleListOrders)
	orders.POST("", s.handleCreateOrder)
	orders.GET("/:id", s.handleGetOrder)
	orders.DELETE("/:id", s.handleDeleteOrder)
	return e
}

// bodyLimit applies limit to requests that have a body. net/http gives a
// request without one (no Content-Length, not chunked) http.NoBody, which
// reads nothing, so wrapping it in a limited reader would only cost an
// allocation on every GET.
func bodyLimit(limit echo.MiddlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		limited := limit(next)
		return func(c echo.Context) error {
			if c.Request().Body == http.NoBody {
				return next(c)
			}
			return limited(c)
		}
	}
}

// accessLog writes one line per request with allow-listed fields only: the
// query string and headers are left out because a client may put a token
// or password there.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := s.cfg.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req := c.Request()
		attrs := []slog.Attr{
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Float64("duration_ms", float64(s.cfg.Now().Sub(start).Microseconds())/1000),
			slog.String("remote", req.RemoteAddr),
		}
		if e, ok := c.Get(ctxKeyErr).(error); ok && e.Error() != "" && !s.faults.on(faultSecretsEchoed) {
			attrs = append(attrs, slog.String("err", e.Error()))
		}
		s.cfg.Logger.LogAttrs(req.Context(), slog.LevelInfo, "request", attrs...)
		return nil
	}
}

// Serve answers requests on ln until ctx ends, then shuts down gracefully,
// letting requests in flight finish for up to five seconds. The http.Server
// bounds header size and read times so a slow or hostile client cannot hold
// a connection open. With an insecure fault on, Serve refuses a listener
// that is not on a loopback address and logs a warning.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if len(s.faults) > 0 {
		if !isLoopback(ln.Addr()) {
			return fmt.Errorf("listen on %s with faults %s: %w", ln.Addr(), s.faults, ErrInsecureListener)
		}
		s.cfg.Logger.Warn("insecure faults on: this server deliberately violates the specification",
			"faults", s.faults.String())
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		hs.Close()
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	return nil
}

// isLoopback reports whether addr is a TCP address on a loopback IP.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// RotateSigningKey generates a new signing key of the configured
// algorithm. Tokens signed by the old key stay valid until they expire
// (token lifetime plus leeway from now); then the old key leaves the JWKS.
func (s *Server) RotateSigningKey() error {
	now := s.cfg.Now()
	if err := s.keys.rotate(now, now.Add(s.cfg.TokenLifetime+s.cfg.Leeway)); err != nil {
		return fmt.Errorf("rotate signing key: %w", err)
	}
	s.cfg.Logger.Info("signing key rotated", "alg", s.keys.alg, "kid", s.KeyID())
	return nil
}

// Alg returns the signing algorithm.
func (s *Server) Alg() string { return s.keys.alg }

// KeyID returns the kid of the current signing key.
func (s *Server) KeyID() string {
	_, kid := s.keys.signing()
	return kid
}

// HMACSecret returns a copy of the HS256 signing secret, nil for other
// algorithms. It exists for white-box checks that mint tokens.
func (s *Server) HMACSecret() []byte {
	key, _ := s.keys.signing()
	if secret, ok := key.([]byte); ok {
		return append([]byte(nil), secret...)
	}
	return nil
}

// SigningKeyPEM returns the private signing key as PKCS#8 PEM, nil for
// HS256. It exists for white-box checks that mint tokens.
func (s *Server) SigningKeyPEM() []byte {
	key, _ := s.keys.signing()
	if _, ok := key.([]byte); ok {
		return nil
	}
	return pemOf(key, true)
}

// PublicKeyPEM returns the public verification key as PKIX PEM, nil for
// HS256.
func (s *Server) PublicKeyPEM() []byte {
	key, _ := s.keys.signing()
	signer, ok := key.(interface{ Public() crypto.PublicKey })
	if !ok {
		return nil
	}
	return pemOf(signer.Public(), false)
}
