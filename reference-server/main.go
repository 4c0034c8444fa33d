// Command reference-server runs the authconform reference server: an OAuth
// 2.0 authorization server and JWT-protected API that conform to the checks
// the harness runs. It is a local test target, not a production service.
//
// Configuration comes from flags and, for each flag, a REFSERVER_* env var
// (the flag wins). Secrets (the HS256 secret, key files) come from env vars
// or files only, never from a flag value. SIGHUP rotates the signing key.
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
	"text/tabwriter"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/authconform/authconform/reference-server/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// options are the command line settings.
type options struct {
	addr             string
	issuer           string
	audience         string
	alg              string
	keyFile          string
	previousKeyFiles stringList
	lifetime         time.Duration
	refreshLifetime  time.Duration
	leeway           time.Duration
	bcryptCost       int
	throttleFailures int
	throttleLockout  time.Duration
	faults           stringList
	listFaults       bool
	logLevel         slog.Level
}

// stringList is a repeatable flag; from an env var it is comma-separated.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

// run is the whole program, with its environment passed in for tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	opts, err := parseOptions(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "reference-server: %v; see --help\n", err)
		return 2
	}
	if opts.listFaults {
		listFaults(stdout)
		return 0
	}
	logOut := newLogWriter(stderr)
	defer logOut.Close()
	logger := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: opts.logLevel}))

	cfg, err := buildConfig(opts, getenv, logger)
	if err != nil {
		fmt.Fprintln(stderr, "reference-server:", err)
		return 2
	}
	if len(opts.faults) > 0 && !loopbackAddr(opts.addr) {
		fmt.Fprintf(stderr, "reference-server: --insecure-fault needs a loopback --addr, not %q\n", opts.addr)
		return 2
	}
	ln, err := net.Listen("tcp", opts.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		fmt.Fprintf(stderr, "reference-server: listen on %s: the address is already in use; stop what runs there or pick another --addr\n", opts.addr)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "reference-server: listen on %s: %v\n", opts.addr, err)
		return 1
	}
	defer ln.Close()
	if cfg.Issuer == "" {
		cfg.Issuer = "http://" + ln.Addr().String()
	}
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "reference-server: config:", err)
		return 2
	}
	logger.Info("listening", "addr", ln.Addr().String(), "alg", srv.Alg(), "kid", srv.KeyID(),
		"key_source", keySource(opts, getenv))
	go rotateOnHangup(ctx, srv, logger)
	if err := srv.Serve(ctx, ln); err != nil {
		logger.Error("serve", "err", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

// parseOptions reads flags over env vars and checks their values. --help
// prints the usage text to stderr and returns flag.ErrHelp; any other
// error is one line naming the flag or env var and its value.
func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("reference-server", flag.ContinueOnError)
	// The flag package prints the whole usage text after every parse error;
	// run prints one line instead, and the usage only on --help.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var o options
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address `HOST:PORT` (REFSERVER_ADDR)")
	fs.StringVar(&o.issuer, "issuer", "", "issuer `URL`, the base of the metadata's endpoint URLs (REFSERVER_ISSUER; default http://HOST:PORT of --addr)")
	fs.StringVar(&o.audience, "audience", server.DefaultAudience, "aud of issued tokens, the only one accepted (REFSERVER_AUDIENCE)")
	fs.StringVar(&o.alg, "alg", server.DefaultAlg, "signing algorithm: HS256, RS256, ES256 or EdDSA (REFSERVER_ALG)")
	fs.StringVar(&o.keyFile, "key-file", "", "private key `PEM` file for RS256, ES256 or EdDSA; default: generated (REFSERVER_KEY_FILE)")
	fs.Var(&o.previousKeyFiles, "previous-key-file", "`PEM` (or secret) file of a previous key still accepted for verification; repeatable (REFSERVER_PREVIOUS_KEY_FILES, comma-separated)")
	fs.DurationVar(&o.lifetime, "token-lifetime", server.DefaultTokenLifetime, "access token lifetime (REFSERVER_TOKEN_LIFETIME)")
	fs.DurationVar(&o.refreshLifetime, "refresh-lifetime", server.DefaultRefreshLifetime, "refresh token family lifetime (REFSERVER_REFRESH_LIFETIME)")
	fs.DurationVar(&o.leeway, "leeway", server.DefaultLeeway, "clock skew tolerated on exp, nbf and iat (REFSERVER_LEEWAY)")
	fs.IntVar(&o.bcryptCost, "bcrypt-cost", server.DefaultPasswordCost, "bcrypt cost of the demo users' hashes (REFSERVER_BCRYPT_COST)")
	fs.IntVar(&o.throttleFailures, "throttle-failures", server.DefaultThrottleFailures, "wrong passwords in a row that lock a username out; -1 or 0 turns throttling off (REFSERVER_THROTTLE_FAILURES)")
	fs.DurationVar(&o.throttleLockout, "throttle-lockout", server.DefaultThrottleLockout, "how long a lock-out lasts (REFSERVER_THROTTLE_LOCKOUT)")
	fs.Var(&o.faults, "insecure-fault", "switch on the deliberate fault `NAME`; repeatable; loopback only (REFSERVER_INSECURE_FAULTS, comma-separated)")
	fs.BoolVar(&o.listFaults, "list-faults", false, "list the deliberate faults and exit")
	fs.TextVar(&o.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error (REFSERVER_LOG_LEVEL)")

	// Env vars become defaults; flags given on the command line override
	// them. A repeatable flag named on the command line replaces its env var.
	for name, env := range envNames {
		if v := getenv(env); v != "" {
			if err := fs.Set(name, v); err != nil {
				return o, fmt.Errorf("%s=%q (--%s): %w", env, v, name, err)
			}
		}
	}
	resetRepeatedOnArgs(args, &o)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(fs, stderr)
	}
	if err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, validateOptions(o, settingNames(fs, args))
}

func printUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Usage: reference-server [flags]\n\nFlags (each also read from the REFSERVER_* env var shown):")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprintln(w, "\nThe HS256 secret comes from REFSERVER_SECRET or REFSERVER_SECRET_FILE;\nwithout either, a random secret is made for this process. SIGHUP rotates\nthe signing key.")
}

// settingNames maps each flag given on the command line or by env var to
// the name to quote in an error: --flag or REFSERVER_*. A flag left at its
// default is absent.
func settingNames(fs *flag.FlagSet, args []string) map[string]string {
	onArgs := map[string]bool{}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			onArgs[name] = true
		}
	}
	names := map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		names[f.Name] = envNames[f.Name]
		if onArgs[f.Name] || names[f.Name] == "" {
			names[f.Name] = "--" + f.Name
		}
	})
	return names
}

// validateOptions rejects values the server would otherwise replace by a
// default without a word, or fail on only once it listens. given names
// the flags that were set, as settingNames returns them.
func validateOptions(o options, given map[string]string) error {
	name := func(flag string) string {
		if n, ok := given[flag]; ok {
			return n
		}
		return "--" + flag
	}
	if err := checkAddr(o.addr); err != nil {
		return fmt.Errorf("%s %q: %w", name("addr"), o.addr, err)
	}
	if o.issuer != "" {
		if err := server.CheckIssuer(o.issuer); err != nil {
			return fmt.Errorf("%s: %w", name("issuer"), err)
		}
	}
	checks := []struct {
		flag  string
		value any
		bad   bool
		want  string
	}{
		{"token-lifetime", o.lifetime, o.lifetime < time.Second || o.lifetime > server.MaxTokenLifetime,
			fmt.Sprintf("must be within [1s, %s]", server.MaxTokenLifetime)},
		{"refresh-lifetime", o.refreshLifetime, o.refreshLifetime <= 0, "must be positive"},
		{"leeway", o.leeway, o.leeway < 0, "must not be negative (0 means none)"},
		{"bcrypt-cost", o.bcryptCost, o.bcryptCost < bcrypt.MinCost || o.bcryptCost > bcrypt.MaxCost,
			fmt.Sprintf("must be within [%d, %d], bcrypt's range", bcrypt.MinCost, bcrypt.MaxCost)},
		{"throttle-failures", o.throttleFailures, o.throttleFailures < -1, "must be -1 (off) or more"},
		{"throttle-lockout", o.throttleLockout, o.throttleLockout <= 0, "must be positive"},
	}
	for _, c := range checks {
		if c.bad {
			return fmt.Errorf("%s %v: %s", name(c.flag), c.value, c.want)
		}
	}
	return nil
}

// checkAddr rejects a listen address net.Listen could never use, so that
// it is a usage error rather than a failure to listen.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("must be HOST:PORT")
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("port %q: must be a number from 0 to 65535", port)
	}
	return nil
}

// envNames maps each flag to its env var.
var envNames = map[string]string{
	"addr":              "REFSERVER_ADDR",
	"issuer":            "REFSERVER_ISSUER",
	"audience":          "REFSERVER_AUDIENCE",
	"alg":               "REFSERVER_ALG",
	"key-file":          "REFSERVER_KEY_FILE",
	"previous-key-file": "REFSERVER_PREVIOUS_KEY_FILES",
	"token-lifetime":    "REFSERVER_TOKEN_LIFETIME",
	"refresh-lifetime":  "REFSERVER_REFRESH_LIFETIME",
	"leeway":            "REFSERVER_LEEWAY",
	"bcrypt-cost":       "REFSERVER_BCRYPT_COST",
	"throttle-failures": "REFSERVER_THROTTLE_FAILURES",
	"throttle-lockout":  "REFSERVER_THROTTLE_LOCKOUT",
	"insecure-fault":    "REFSERVER_INSECURE_FAULTS",
	"log-level":         "REFSERVER_LOG_LEVEL",
}

// resetRepeatedOnArgs clears a repeatable flag's env value when the
// command line gives the flag, so that flags win over env vars there too.
func resetRepeatedOnArgs(args []string, o *options) {
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "insecure-fault":
			o.faults = nil
		case "previous-key-file":
			o.previousKeyFiles = nil
		}
	}
}

// buildConfig turns options and secret env vars into a server.Config.
func buildConfig(o options, getenv func(string) string, logger *slog.Logger) (server.Config, error) {
	cfg := server.Config{
		Issuer:           o.issuer,
		Audience:         o.audience,
		Alg:              o.alg,
		TokenLifetime:    o.lifetime,
		RefreshLifetime:  o.refreshLifetime,
		Leeway:           o.leeway,
		PasswordCost:     o.bcryptCost,
		ThrottleFailures: o.throttleFailures,
		ThrottleLockout:  o.throttleLockout,
		InsecureFaults:   o.faults,
		Logger:           logger,
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = -1 // --leeway 0 means none, not the default
	}
	if cfg.ThrottleFailures == 0 {
		cfg.ThrottleFailures = -1
	}
	var err error
	if cfg.Secret, err = loadSecret(getenv); err != nil {
		return cfg, err
	}
	if o.keyFile != "" {
		if cfg.SigningKeyPEM, err = os.ReadFile(o.keyFile); err != nil {
			return cfg, fmt.Errorf("read key file: %w", err)
		}
	}
	for _, path := range o.previousKeyFiles {
		b, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("read previous key file: %w", err)
		}
		cfg.PreviousKeys = append(cfg.PreviousKeys, []byte(strings.TrimRight(string(b), "\r\n")))
	}
	return cfg, nil
}

// loadSecret reads the HS256 secret from the environment; nil means
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

// keySource names where the signing key came from, for the start-up log;
// the key itself is never logged.
func keySource(o options, getenv func(string) string) string {
	switch {
	case o.alg != "HS256" && o.keyFile != "":
		return "--key-file"
	case o.alg != "HS256":
		return "generated"
	case getenv("REFSERVER_SECRET") != "":
		return "REFSERVER_SECRET"
	case getenv("REFSERVER_SECRET_FILE") != "":
		return "REFSERVER_SECRET_FILE"
	default:
		return "random"
	}
}

// loopbackAddr reports whether a listen address names a loopback host.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listFaults prints one line per deliberate fault.
func listFaults(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FAULT\tCHECKS\tWHAT THE SERVER THEN DOES WRONG")
	for _, f := range server.Faults() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Name, strings.Join(f.Checks, ","), f.Description)
	}
	tw.Flush()
}

// rotateOnHangup rotates the signing key on each SIGHUP until ctx ends.
func rotateOnHangup(ctx context.Context, srv *server.Server, logger *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := srv.RotateSigningKey(); err != nil {
				logger.Error("rotate", "err", err)
			}
		}
	}
}
