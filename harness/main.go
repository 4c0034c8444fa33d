// Command harness runs authconform's conformance checks against an OAuth
// 2.0 / JWT-protected HTTP API and reports which it passes.
//
//	harness run                              # against the embedded reference server
//	harness run --target https://staging.example.com
//
// Exit codes: 0 every required check passed; 1 a required check failed;
// 2 usage or configuration error; 3 the target cannot be reached or its
// happy path does not work, so no verdict is possible.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes of DESIGN.md.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitUnreachable = 3
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], env{
		stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		isTerminal: isTerminal(os.Stdout) && os.Getenv("TERM") != "dumb",
	}))
}

// env is the program's view of its process, replaced in tests.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	isTerminal     bool
}

// exitError carries an exit code out of a cobra command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// run is the whole program: it parses args, runs the command and returns
// the exit code.
func run(ctx context.Context, args []string, e env) int {
	root := &cobra.Command{
		Use:           "harness",
		Short:         "Conformance checks for OAuth 2.0 and JWT-protected HTTP APIs",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetArgs(args)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErr(fmt.Errorf("%w (see 'harness %s --help')", err, cmd.Name()))
	})
	root.AddCommand(newRunCommand(e), newInitCommand(e), newChecksCommand(e),
		newStepsCommand(e), newLintCommand(e), newVersionCommand(e))

	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(e.stderr, "harness:", ee.err)
		}
		return ee.code
	}
	// Anything else cobra rejects (an unknown command, extra arguments) is
	// usage.
	msg := strings.Join(strings.Fields(err.Error()), " ")
	fmt.Fprintf(e.stderr, "harness: %s (see 'harness --help')\n", msg)
	return exitUsage
}

func newVersionCommand(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the harness version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(e.stdout, "authconform harness", version)
			return err
		},
	}
}
