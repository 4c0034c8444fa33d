// Command reference-server runs the authconform reference server: an OAuth
// 2.0 token endpoint and a JWT-protected API that conform to the checks the
// harness runs. It is a local test target, not a production service.
//
// Configuration comes from flags and, for each flag, a REFSERVER_* env var
// (the flag wins). The signing secret comes from REFSERVER_SECRET or
// REFSERVER_SECRET_FILE only, never from a flag.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/authconform/authconform/reference-server/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stderr))
}

// options are the command line settings.
type options struct {
	addr     string
	lifetime time.Duration
	leeway   time.Duration
	logLevel slog.Level
}

// run is the whole program, with its environment passed in for tests.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	opts, err := parseOptions(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "reference-server:", err)
		return 2
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: opts.logLevel}))

	secret, err := loadSecret(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "reference-server:", err)
		return 2
	}
	srv, err := server.New(server.Config{
		Secret:        secret,
		TokenLifetime: opts.lifetime,
		Leeway:        opts.leeway,
		Logger:        logger,
	})
	if err != nil {
		fmt.Fprintln(stderr, "reference-server: config:", err)
		return 2
	}

	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		fmt.Fprintln(stderr, "reference-server:", err)
		return 1
	}
	logger.Info("listening", "addr", ln.Addr().String(), "secret_source", secretSource(getenv))
	if err := srv.Serve(ctx, ln); err != nil {
		logger.Error("serve", "err", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("reference-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: reference-server [flags]\n\nFlags (each also read from the REFSERVER_* env var shown):")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "\nThe HS256 secret comes from REFSERVER_SECRET or REFSERVER_SECRET_FILE;\nwithout either, a random secret is made for this process.")
	}
	var o options
	fs.StringVar(&o.addr, "addr", envOr(getenv, "REFSERVER_ADDR", "127.0.0.1:8080"), "listen address `HOST:PORT` (REFSERVER_ADDR)")
	fs.DurationVar(&o.lifetime, "token-lifetime", server.DefaultTokenLifetime, "access token lifetime (REFSERVER_TOKEN_LIFETIME)")
	fs.DurationVar(&o.leeway, "leeway", server.DefaultLeeway, "clock skew tolerated on exp, nbf and iat (REFSERVER_LEEWAY)")
	fs.TextVar(&o.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error (REFSERVER_LOG_LEVEL)")

	// Env vars become defaults; flags given on the command line override them.
	for name, env := range map[string]string{
		"token-lifetime": "REFSERVER_TOKEN_LIFETIME",
		"leeway":         "REFSERVER_LEEWAY",
		"log-level":      "REFSERVER_LOG_LEVEL",
	} {
		if v := getenv(env); v != "" {
			if err := fs.Set(name, v); err != nil {
				return o, fmt.Errorf("%s=%q: %w", env, v, err)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, nil
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}

// loadSecret reads the signing secret from the environment; nil means
// "generate one" to server.New.
func loadSecret(getenv func(string) string) ([]byte, error) {
	if v := getenv("REFSERVER_SECRET"); v != "" {
		return []byte(v), nil
	}
	if path := getenv("REFSERVER_SECRET_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("REFSERVER_SECRET_FILE: %w", err)
		}
		return []byte(strings.TrimRight(string(b), "\r\n")), nil
	}
	return nil, nil
}

// secretSource names where the secret came from, for the start-up log; the
// secret itself is never logged.
func secretSource(getenv func(string) string) string {
	switch {
	case getenv("REFSERVER_SECRET") != "":
		return "REFSERVER_SECRET"
	case getenv("REFSERVER_SECRET_FILE") != "":
		return "REFSERVER_SECRET_FILE"
	default:
		return "random"
	}
}
