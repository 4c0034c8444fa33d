package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/authconform/authconform/harness/internal/report"
	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/reference-server/server"
	"github.com/authconform/authconform/steps"
)

// runOptions are the settings of "harness run" after flags and env vars.
type runOptions struct {
	target        string
	tokenPath     string
	protectedPath string
	subjectField  string
	username      string
	tags          string
	concurrency   int
	format        string
	noColor       bool
	timeout       time.Duration
}

func newRunCommand(e env) *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the conformance checks against a target",
		Long: `Run the conformance checks against a target and print a summary.

Without --target (or AUTHCONFORM_TARGET) the harness starts the reference
server in-process on a free loopback port and runs against it.

The password of the valid user comes from AUTHCONFORM_PASSWORD only, never
from a flag (default "testpass", the demo user's).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runChecks(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.target, "target", e.getenv("AUTHCONFORM_TARGET"), "base `URL` of the API under test (AUTHCONFORM_TARGET); default: the embedded reference server")
	f.StringVar(&o.tokenPath, "token-path", envOr(e, "AUTHCONFORM_TOKEN_PATH", steps.DefaultTokenPath), "token endpoint path (AUTHCONFORM_TOKEN_PATH)")
	f.StringVar(&o.protectedPath, "protected-path", envOr(e, "AUTHCONFORM_PROTECTED_PATH", steps.DefaultProtectedPath), "protected resource path (AUTHCONFORM_PROTECTED_PATH)")
	f.StringVar(&o.subjectField, "subject-field", envOr(e, "AUTHCONFORM_SUBJECT_FIELD", steps.DefaultSubjectField), "JSON field of the protected response that names the user (AUTHCONFORM_SUBJECT_FIELD)")
	f.StringVar(&o.username, "username", envOr(e, "AUTHCONFORM_USERNAME", steps.DefaultUsername), "valid user's name (AUTHCONFORM_USERNAME)")
	f.StringVar(&o.tags, "tags", e.getenv("AUTHCONFORM_TAGS"), "godog tag `expression` selecting scenarios, e.g. \"@security && ~@needs-wait\" (AUTHCONFORM_TAGS)")
	f.IntVar(&o.concurrency, "concurrency", runner.DefaultConcurrency, "scenarios run at once")
	f.StringVar(&o.format, "format", "", "godog formatter for stdout: pretty, progress, junit, cucumber (default: pretty on a terminal, progress otherwise)")
	f.BoolVar(&o.noColor, "no-color", e.getenv("NO_COLOR") != "", "disable colour (also NO_COLOR)")
	f.DurationVar(&o.timeout, "timeout", steps.DefaultTimeout, "per-request timeout")
	return cmd
}

func envOr(e env, key, fallback string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return fallback
}

// runChecks is "harness run".
func runChecks(ctx context.Context, e env, o runOptions) error {
	if o.concurrency < 1 {
		return &exitError{exitUsage, fmt.Errorf("--concurrency %d: must be at least 1", o.concurrency)}
	}
	password := envOr(e, "AUTHCONFORM_PASSWORD", steps.DefaultPassword)
	if o.target == "" {
		baseURL, stop, err := startReference(ctx)
		if err != nil {
			return &exitError{exitUnreachable, fmt.Errorf("start the embedded reference server: %w", err)}
		}
		defer stop()
		o.target = baseURL
		fmt.Fprintf(e.stderr, "harness: no --target given; running against the embedded reference server at %s\n", baseURL)
	}

	suite, err := steps.New(steps.Target{
		BaseURL:       o.target,
		TokenPath:     o.tokenPath,
		ProtectedPath: o.protectedPath,
		SubjectField:  o.subjectField,
		Username:      o.username,
		Password:      steps.NewSecret(password),
		Timeout:       o.timeout,
	})
	if err != nil {
		return &exitError{exitUsage, err}
	}
	defer suite.Close()
	if err := suite.Preflight(ctx); err != nil {
		return &exitError{exitUnreachable, fmt.Errorf("no verdict possible against %s: %w", o.target, err)}
	}

	format := o.format
	if format == "" {
		format = "progress"
		if e.isTerminal {
			format = "pretty"
		}
	}
	res, err := runner.Run(ctx, runner.Options{
		Suite:       suite,
		Tags:        o.tags,
		Concurrency: o.concurrency,
		Format:      format,
		Output:      e.stdout,
		NoColors:    o.noColor || !e.isTerminal,
	})
	if err != nil {
		return &exitError{exitUsage, err}
	}
	if len(res.Scenarios) == 0 {
		return &exitError{exitUsage, fmt.Errorf("no scenario matches --tags %q", o.tags)}
	}

	fmt.Fprintln(e.stdout)
	if err := report.WriteSummary(e.stdout, res.Checks); err != nil {
		return &exitError{exitFailed, err}
	}
	if ctx.Err() != nil {
		return &exitError{exitFailed, errors.New("interrupted")}
	}
	for _, c := range res.Checks {
		if c.Verdict != runner.Passed && c.Verdict != runner.Skipped && c.Required() {
			return &exitError{code: exitFailed}
		}
	}
	return nil
}

// startReference starts the reference server on a free loopback port and
// returns its base URL and a function that stops it.
func startReference(ctx context.Context) (string, func(), error) {
	srv, err := server.New(server.Config{})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ctx, ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "harness: embedded reference server:", err)
		}
	}()
	return "http://" + ln.Addr().String(), func() { cancel(); <-done }, nil
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}
