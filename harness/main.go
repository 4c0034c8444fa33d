// Command harness runs authconform's conformance checks against an OAuth
// 2.0 / JWT-protected HTTP API and reports which it passes.
//
//	harness run                              # against the embedded reference server
//	harness run --target https://staging.example.com
//
// Exit codes: 0 every required check passed; 1 a required check failed;
// 2 usage or configuration error; 3 the target cannot be reached or its
// happy path does not work, so no verdict is possible; 130 (SIGINT) or
// 143 (SIGTERM) the run was interrupted, and the reports hold what ran.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
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
	// exitInterrupted is 128+SIGINT, what a shell reports for Ctrl-C;
	// SIGTERM gives 143.
	exitInterrupted = 130
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := notifyContext()
	defer stop()
	os.Exit(run(ctx, os.Args[1:], env{
		stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		isTerminal: isTerminal(os.Stdout) && os.Getenv("TERM") != "dumb",
	}))
}

// interrupted is the cause of the context cancelled by a signal; its exit
// code is the shell's 128+N (130 for SIGINT, 143 for SIGTERM).
type interrupted struct{ sig syscall.Signal }

func (i interrupted) Error() string { return "interrupted by " + signalName(i.sig) }

func (i interrupted) exitCode() int { return 128 + int(i.sig) }

func signalName(s syscall.Signal) string {
	if s == syscall.SIGINT {
		return "SIGINT"
	}
	return "SIGTERM"
}

// notifyContext returns a context cancelled, with an interrupted cause, by
// the first SIGINT or SIGTERM; a second signal kills the process the
// default way.
func notifyContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			sig, _ := s.(syscall.Signal)
			cancel(interrupted{sig})
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}

// interruptCode is the exit code of a run cut short by ctx's signal, 130
// (SIGINT) if the cause is not known.
func interruptCode(ctx context.Context) int {
	var i interrupted
	if errors.As(context.Cause(ctx), &i) {
		return i.exitCode()
	}
	return exitInterrupted
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
		return usageErr(fmt.Errorf("%s (see 'harness %s --help')", flagMessage(err), cmd.Name()))
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

// badFlagValue matches pflag's report of a value it cannot parse, which
// ends in the Go parser's own error.
var badFlagValue = regexp.MustCompile(`^invalid argument "(.*)" for "(.*)" flag: (strconv\.Parse(Int|Uint|Float|Bool)|time: invalid duration).*$`)

// flagMessage rewrites a flag error in the user's terms: `--random "abc":
// not a whole number`, not the strconv error pflag passes on.
func flagMessage(err error) string {
	m := badFlagValue.FindStringSubmatch(err.Error())
	if m == nil {
		return err.Error()
	}
	name := m[2]
	if i := strings.LastIndex(name, "--"); i >= 0 {
		name = name[i:] // "-x, --long" names the long form
	}
	want := map[string]string{"Int": "a whole number", "Uint": "a whole number ≥ 0", "Float": "a number", "Bool": "true or false", "": "a duration such as 30s or 2m"}[m[4]]
	return fmt.Sprintf("%s %q: not %s", name, m[1], want)
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
