package server

import (
	"context"
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
	PathSecureData = "/secure-data"
	PathHealth     = "/healthz"
)

// maxBodyBytes bounds every request body (echo size notation); token
// bytes, so anything larger is refused with 413 before it is read.
const maxBodyBytes = "64K"

// ctxKeyErr is where handleError leaves the error for the access log.
const ctxKeyErr = "authconform.err"

// Server is the reference server. Create it with New; it is an
// http.Handler and safe for concurrent use.
type Server struct {
	cfg    Config
	echo   *echo.Echo
	parser *jwt.Parser
	users  map[string]User
	// dummyHash is compared against for unknown users so that their
	// failure costs as much as a wrong password (CHECKS.md T07).
	dummyHash []byte
}

// New validates cfg, fills in its defaults and builds the server.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, users: make(map[string]User, len(cfg.Users))}
	for _, u := range cfg.Users {
		s.users[u.Name] = u
	}
	s.dummyHash = cfg.Users[0].PasswordHash
	s.parser = s.newParser()
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
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}))
	e.Use(middleware.BodyLimit(maxBodyBytes))

	e.POST(PathToken, s.handleToken)
	e.GET(PathHealth, func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})

	e.GET(PathSecureData, s.handleSecureData, s.requireBearer)
	return e
}

// accessLog writes one line per request with allow-listed fields only: the
// query string is left out because a client may put a token there.
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
			slog.String("remote", c.RealIP()),
		}
		if e, ok := c.Get(ctxKeyErr).(error); ok && e.Error() != "" {
			attrs = append(attrs, slog.String("err", e.Error()))
		}
		s.cfg.Logger.LogAttrs(req.Context(), slog.LevelInfo, "request", attrs...)
		return nil
	}
}

// Serve answers requests on ln until ctx ends, then shuts down gracefully,
// letting requests in flight finish for up to five seconds. The http.Server
// bounds header size and read times so a slow or hostile client cannot hold
// a connection open.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
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
