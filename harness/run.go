package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authconform/authconform/features"
	"github.com/authconform/authconform/harness/internal/catalog"
	"github.com/authconform/authconform/harness/internal/deviations"
	"github.com/authconform/authconform/harness/internal/embedded"
	"github.com/authconform/authconform/harness/internal/profile"
	"github.com/authconform/authconform/harness/internal/report"
	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/harness/internal/transport"
	"github.com/authconform/authconform/steps"
)

// runOptions are the settings of "harness run" that are not part of the
// target profile.
type runOptions struct {
	profilePath string
	deviations  string
	featureOpts

	tags        string
	concurrency int
	random      int64
	failFast    bool

	format, junit, cucumber, html string
	noColor                       bool

	tls               transport.Options
	allowInsecureHTTP bool
}

// featureOpts select the feature files, for "run" and "checks".
type featureOpts struct {
	dirs      []string
	noBuiltin bool
	allowTags []string
	// getenv, set by "run", makes an unset {{env.*}} variable a problem.
	getenv func(string) string
}

func addFeatureFlags(f *pflag.FlagSet, o *featureOpts) {
	f.StringArrayVar(&o.dirs, "features", nil, "also run the *.feature files under `DIR` (repeatable)")
	f.BoolVar(&o.noBuiltin, "no-builtin", false, "leave out the built-in checks; run only --features directories")
	f.StringSliceVar(&o.allowTags, "allow-tag", nil, "a tag the --features scenarios may carry besides the harness's own, such as @smoke (repeatable; as for \"harness lint\")")
}

// mount loads the selected feature trees, after checking the --features
// directories as "harness lint" would: a syntax error, a step no
// definition matches and a check ID that clashes with a built-in one are
// reported before anything runs, one line each.
func (o featureOpts) mount() (*catalog.Mounts, []catalog.Scenario, error) {
	m := &catalog.Mounts{}
	if !o.noBuiltin {
		m.Add("features", features.FS)
	}
	for _, d := range o.dirs {
		if _, err := m.AddDir(d); err != nil {
			return nil, nil, err
		}
	}
	if len(m.Names()) == 0 {
		return nil, nil, errors.New("--no-builtin needs at least one --features directory")
	}
	if err := o.lint(); err != nil {
		return nil, nil, err
	}
	scs, err := m.LoadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("load features: %s", oneLine(err.Error()))
	}
	return m, scs, nil
}

// lint checks the *.feature files of the --features directories; an
// error lists every problem, one line each.
func (o featureOpts) lint() error {
	l := newLinter(allowTags(o.allowTags), o.getenv, true)
	if o.noBuiltin {
		l.builtins = nil
	}
	var problems []string
	for _, d := range o.dirs {
		files, err := featureFiles(os.DirFS(d), []string{"."})
		if err != nil {
			return fmt.Errorf("--features: no *.feature files under %s", d)
		}
		for _, name := range files {
			path := filepath.Join(d, filepath.FromSlash(name))
			data, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("--features: read %w", err)
			}
			for _, f := range l.file(path, data) {
				problems = append(problems, f.short())
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) in the --features files; nothing was run:\n%s\n(\"harness lint DIR\" shows each with hints; \"harness steps\" lists the steps there are)",
			len(problems), strings.Join(problems, "\n"))
	}
	return nil
}

func newRunCommand(e env) *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the conformance checks against a target",
		Long: `Run the conformance checks against a target and print a summary.

The target comes from a profile (--profile, see "harness init"), from
AUTHCONFORM_* env vars and from flags; flags override env vars, which
override the profile. Without any target the harness starts the reference
server in-process on a loopback port and runs against it.

Secrets never come from flags: the password, client secret and signing key
come from AUTHCONFORM_PASSWORD, AUTHCONFORM_CLIENT_SECRET,
AUTHCONFORM_SIGNING_KEY (or a file named by --signing-key-file,
AUTHCONFORM_SIGNING_KEY_FILE), the other *_PASSWORD vars, or from the
env vars and files the profile names.

Exit codes: 0 every required check passed (advisory warnings never fail
a run); 1 a required check failed (with --fail-fast, the run stops there
and the rest are reported "not run"); 2 usage or configuration error,
including feature files with undefined steps; 3 the target cannot be
reached or its happy path does not work, so no verdict is possible (the
requested reports are still written, saying why); 130 interrupted by
SIGINT (Ctrl-C), 143 by SIGTERM: what ran is reported, the rest "not run".`,
		Example: `  harness run
  harness run --profile staging.yaml --junit junit.xml --html report.html
  AUTHCONFORM_PASSWORD=… harness run --target https://staging.example.com --tags '~@needs-wait'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runChecks(cmd.Context(), e, cmd.Flags(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.profilePath, "profile", e.getenv("AUTHCONFORM_PROFILE"), "target profile `FILE` (AUTHCONFORM_PROFILE)")
	for _, s := range profile.Settings {
		if s.Secret {
			continue
		}
		usage := s.Usage + " (" + s.EnvVar() + ")"
		switch s.Kind {
		case profile.Bool:
			f.Bool(s.Name, false, usage)
		case profile.DurationKind:
			f.Duration(s.Name, 0, usage)
		default:
			f.String(s.Name, "", usage)
		}
	}
	f.StringVar(&o.deviations, "deviations", e.getenv("AUTHCONFORM_DEVIATIONS"), "YAML `FILE` of known deviations: [{check: T02, reason: …}] (AUTHCONFORM_DEVIATIONS)")
	addFeatureFlags(f, &o.featureOpts)
	f.StringVar(&o.tags, "tags", e.getenv("AUTHCONFORM_TAGS"), "godog tag `expression` selecting scenarios, e.g. \"@security && ~@needs-wait\" (AUTHCONFORM_TAGS)")
	f.IntVar(&o.concurrency, "concurrency", runner.DefaultConcurrency, "scenarios run at once")
	f.Int64Var(&o.random, "random", 0, "run scenarios in random order; --random=SEED repeats an order")
	f.Lookup("random").NoOptDefVal = "-1"
	f.BoolVar(&o.failFast, "fail-fast", false, "stop after the first failed required (@security, @conformance) check; the rest are reported \"not run\"")
	f.StringVar(&o.format, "format", "", "stdout format: pretty or progress (default: pretty on a terminal, progress otherwise)")
	f.BoolVar(&o.noColor, "no-color", e.getenv("NO_COLOR") != "", "no colour (also NO_COLOR)")
	f.StringVar(&o.junit, "junit", "", "write a JUnit XML report to `FILE`")
	f.StringVar(&o.cucumber, "cucumber", "", "write a Cucumber JSON report to `FILE`")
	f.StringVar(&o.html, "html", "", "write a self-contained HTML report to `FILE`")
	f.StringVar(&o.tls.CAFile, "ca-file", "", "PEM `FILE` of CA certificates to trust besides the system's")
	f.StringVar(&o.tls.ClientCert, "client-cert", "", "PEM client certificate `FILE` for mutual TLS")
	f.StringVar(&o.tls.ClientKey, "client-key", "", "PEM client key `FILE` for mutual TLS")
	f.BoolVar(&o.tls.InsecureSkipVerify, "insecure-skip-verify", false, "do not verify the target's certificate (stamped as a WARNING on every report)")
	f.BoolVar(&o.allowInsecureHTTP, "allow-insecure-http", false, "send credentials to a plain http:// target that is not loopback (X01)")
	return cmd
}

// usageErr and unreachableErr tag an error with its exit code.
func usageErr(err error) error       { return &exitError{exitUsage, err} }
func unreachableErr(err error) error { return &exitError{exitUnreachable, err} }

// runChecks is "harness run".
func runChecks(ctx context.Context, e env, flags *pflag.FlagSet, o runOptions) error {
	o.getenv = e.getenv
	p, err := loadProfile(e, flags, o.profilePath)
	if err != nil {
		return usageErr(err)
	}
	plan, err := o.plan()
	if err != nil {
		return usageErr(err)
	}
	if err := checkReportPaths(o, p); err != nil {
		return usageErr(err)
	}
	if p.Target == "" {
		changed := func(name string) bool { fl := flags.Lookup(name); return fl != nil && fl.Changed }
		if err := checkEmbeddedIgnores(o, e.getenv, changed); err != nil {
			return usageErr(err)
		}
	}
	target, err := profile.Resolve(p, profile.Env{Getenv: e.getenv, ReadFile: os.ReadFile})
	if err != nil {
		return usageErr(err)
	}
	if target.HTTPClient, err = transport.NewClient(o.tls); err != nil {
		return usageErr(err)
	}

	warnings, stop, err := o.setupTarget(ctx, e, &target)
	if err != nil {
		return err
	}
	defer stop()

	suite, err := steps.New(target)
	if err != nil {
		return usageErr(err)
	}
	defer suite.Close()
	if err := suite.Preflight(ctx); err != nil {
		if ctx.Err() != nil {
			return &exitError{interruptCode(ctx), errors.New("interrupted before any check ran")}
		}
		err = fmt.Errorf("no verdict possible against %s: %s", target.BaseURL, explainNoVerdict(err))
		run := report.Run{Target: target.BaseURL, Warnings: warnings, NoVerdict: err.Error()}
		if werr := o.writeNoVerdict(run); werr != nil {
			return unreachableErr(fmt.Errorf("%w; and %w", err, werr))
		}
		return unreachableErr(err)
	}

	res, err := o.execute(ctx, e, suite, plan)
	if err != nil {
		return err
	}
	run := report.Build(target.BaseURL, res.Checks, plan.catalog, plan.waivers)
	run.Seed, run.Warnings, run.Stopped = plan.seed, warnings, res.Stopped
	return runExit(ctx, run, o.writeReports(e, run, plan))
}

// setupTarget readies target for the run: it starts the embedded
// reference server when no target URL is given, refuses a target URL that
// is not one or a plain-HTTP target the options do not allow, and prints
// the run's warnings, which it returns for the reports. The caller must
// call stop once the run is over; setupTarget has already called it when
// it returns an error.
func (o runOptions) setupTarget(ctx context.Context, e env, target *steps.Target) (warnings []string, stop func(), err error) {
	stop = func() {}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	if o.tls.InsecureSkipVerify {
		warnings = append(warnings, "TLS certificate verification is off (--insecure-skip-verify): the results do not show that the target is safe to reach")
	}
	target.Progress = e.stderr
	if target.BaseURL == "" {
		opts, err := embeddedOptions(e.getenv)
		if err != nil {
			return nil, stop, usageErr(err)
		}
		stopEmbedded, err := startEmbedded(ctx, target, opts)
		if err != nil {
			return nil, stop, unreachableErr(fmt.Errorf("start the embedded reference server: %w", err))
		}
		stop = stopEmbedded
		fmt.Fprintf(e.stderr, "harness: no target given; running against the embedded reference server at %s\n", target.BaseURL)
	}
	if err := checkTargetURL(target.BaseURL); err != nil {
		return nil, stop, usageErr(err)
	}
	if err := transport.CheckPlainHTTP(target.BaseURL, o.allowInsecureHTTP); err != nil {
		return nil, stop, usageErr(err)
	}
	if o.allowInsecureHTTP && transport.CheckPlainHTTP(target.BaseURL, false) != nil {
		warnings = append(warnings, "credentials were sent over plain http (--allow-insecure-http)")
	}
	for _, w := range warnings {
		fmt.Fprintln(e.stderr, "harness: WARNING:", w)
	}
	return warnings, stop, nil
}

// runExit maps the end of a run that executed to its error and exit code:
// an interruption first (128+signal), then a report that could not be
// written (werr, exit 2), then a failed required check or a run that
// --fail-fast stopped (exit 1); nil if the run passed.
func runExit(ctx context.Context, run report.Run, werr error) error {
	switch {
	case ctx.Err() != nil:
		msg := "interrupted: the reports hold the checks that ran; the rest are \"not run\""
		if werr != nil {
			msg = fmt.Sprintf("interrupted, and a report could not be written: %v", werr)
		}
		return &exitError{interruptCode(ctx), errors.New(msg)}
	case werr != nil:
		// Exit 1 would claim a required check failed; a report that cannot
		// be written is the environment's problem, like a bad path.
		return usageErr(werr)
	case run.Failed():
		return &exitError{code: exitFailed}
	case run.Stopped != "":
		// --fail-fast stops only at a failed required check; a waiver
		// of that check does not make the unrun ones pass.
		return &exitError{exitFailed, errors.New("--fail-fast stopped the run before every check ran")}
	}
	return nil
}

// writeNoVerdict writes each requested report for a run that could not
// start (exit 3), so that CI finds the files it uploads.
func (o runOptions) writeNoVerdict(run report.Run) error {
	if o.cucumber != "" {
		if err := report.WriteEmptyCucumber(o.cucumber); err != nil {
			return err
		}
	}
	if err := writeReport(o.junit, func(f *os.File) error { return report.WriteJUnit(f, run) }); err != nil {
		return err
	}
	return writeReport(o.html, func(f *os.File) error { return report.WriteHTML(f, run) })
}

// writeReport renders a report to path, if one was asked for.
func writeReport(path string, render func(f *os.File) error) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := render(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkTargetURL rejects a target URL no request could reach: another
// scheme than http(s), no host, a port outside 1–65535.
func checkTargetURL(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("target %q is not a URL: %w", base, errors.Unwrap(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("target %q: the scheme must be http or https", base)
	case u.Hostname() == "":
		return fmt.Errorf("target %q has no host: give one, such as https://api.example.com", base)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("target %q: port %s is not between 1 and 65535", base, p)
		}
	}
	return nil
}

// loadProfile reads the profile, if any, then overlays env vars and the
// flags given on the command line.
func loadProfile(e env, flags *pflag.FlagSet, path string) (profile.Profile, error) {
	var p profile.Profile
	if path != "" {
		var err error
		if p, err = profile.Load(path); err != nil {
			return p, err
		}
	}
	if err := profile.ApplyEnv(&p, e.getenv); err != nil {
		return p, err
	}
	for _, s := range profile.Settings {
		if fl := flags.Lookup(s.Name); fl != nil && fl.Changed {
			if err := s.Apply(&p, fl.Value.String()); err != nil {
				return p, fmt.Errorf("--%w", err)
			}
		}
	}
	return p, nil
}

// plan is what a run will execute, settled before the target is touched
// so that every configuration error comes first.
type plan struct {
	mounts  *catalog.Mounts
	catalog report.Catalog
	waivers map[string]string
	seed    int64
	format  string
	tmpCuke string
}

func (o runOptions) plan() (plan, error) {
	var pl plan
	if o.concurrency < 1 {
		return pl, fmt.Errorf("--concurrency %d: must be at least 1", o.concurrency)
	}
	switch o.format {
	case "", "pretty", "progress":
	default:
		return pl, fmt.Errorf("--format %q: use pretty or progress (--junit, --cucumber and --html write files)", o.format)
	}
	mounts, scs, err := o.mount()
	if err != nil {
		return pl, err
	}
	pl.mounts = mounts
	expr, err := catalog.ParseTags(o.tags)
	if err != nil {
		return pl, fmt.Errorf("--tags: %w", err)
	}
	if tag := expr.Unknown(scs); tag != "" {
		return pl, fmt.Errorf("--tags: no scenario carries the tag %s (harness checks lists them)", tag)
	}
	if len(expr.Select(scs)) == 0 {
		return pl, fmt.Errorf("--tags %q: no scenario matches", o.tags)
	}
	pl.catalog = report.Catalog{Areas: map[string]string{}, Titles: map[string]string{}}
	known := map[string]bool{}
	for _, sc := range scs {
		pl.catalog.Areas[sc.URI] = sc.Area
	}
	for _, c := range catalog.Checks(scs) {
		known[c.CheckID] = true
		pl.catalog.Titles[c.CheckID] = c.Title
	}
	if o.deviations != "" {
		if pl.waivers, err = deviations.Load(o.deviations, known); err != nil {
			return pl, err
		}
	}
	for _, f := range []struct{ flag, path string }{{"junit", o.junit}, {"cucumber", o.cucumber}, {"html", o.html}} {
		if err := checkWritable(f.path); err != nil {
			return pl, fmt.Errorf("--%s: %w", f.flag, err)
		}
	}
	pl.seed = o.random
	if pl.seed == -1 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		pl.seed = int64(binary.BigEndian.Uint64(b[:])>>2) + 1
	}
	return pl, nil
}

// checkWritable reports whether a report can be written at path, without
// leaving a file behind.
func checkWritable(path string) error {
	if path == "" {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory of %s: %w", path, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// execute runs the suite, with godog's formatter on stdout and its
// Cucumber JSON in a temporary file when asked for.
func (o runOptions) execute(ctx context.Context, e env, suite *steps.Suite, pl plan) (runner.Result, error) {
	format := o.format
	if format == "" {
		format = "progress"
		if e.isTerminal {
			format = "pretty"
		}
	}
	if o.cucumber != "" {
		// godog's "name:path" list: the path may not hold a comma or colon
		// of its own, so it writes to a temporary name first.
		tmp, err := os.CreateTemp(filepath.Dir(o.cucumber), ".authconform-cucumber-*.json")
		if err != nil {
			return runner.Result{}, usageErr(fmt.Errorf("--cucumber: %w", err))
		}
		tmp.Close()
		pl.tmpCuke = tmp.Name()
		if strings.ContainsAny(pl.tmpCuke, ",:") {
			os.Remove(pl.tmpCuke)
			return runner.Result{}, usageErr(fmt.Errorf("--cucumber %s: the directory name may not contain ',' or ':'", o.cucumber))
		}
		format += ",cucumber:" + pl.tmpCuke
	}
	if o.random != 0 {
		fmt.Fprintf(e.stderr, "harness: random order, seed %d (repeat with --random=%d)\n", pl.seed, pl.seed)
	}
	res, err := runner.Run(ctx, runner.Options{
		Suite:       suite,
		FS:          pl.mounts,
		Paths:       pl.mounts.Names(),
		Tags:        o.tags,
		Concurrency: o.concurrency,
		Format:      format,
		Output:      e.stdout,
		NoColors:    o.noColor || !e.isTerminal,
		Randomize:   pl.seed,
		FailFast:    o.failFast,
	})
	if err != nil {
		if pl.tmpCuke != "" {
			os.Remove(pl.tmpCuke)
		}
		return res, usageErr(err)
	}
	if pl.tmpCuke != "" {
		_ = os.Chmod(pl.tmpCuke, 0o644) // CreateTemp made it private
		if err := os.Rename(pl.tmpCuke, o.cucumber); err != nil {
			return res, usageErr(fmt.Errorf("write cucumber report: %w", err))
		}
	}
	return res, nil
}

// writeReports prints the summary and writes the report files.
func (o runOptions) writeReports(e env, run report.Run, pl plan) error {
	fmt.Fprintln(e.stdout)
	if err := report.WriteSummary(e.stdout, run); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	if o.cucumber != "" {
		if err := report.StampCucumber(o.cucumber, run); err != nil {
			return err
		}
	}
	if err := writeReport(o.junit, func(f *os.File) error { return report.WriteJUnit(f, run) }); err != nil {
		return err
	}
	return writeReport(o.html, func(f *os.File) error { return report.WriteHTML(f, run) })
}

// startEmbedded starts the reference server in-process and points target
// at it with every credential and key it has, keeping the harness-side
// settings (HTTP client, timeout, waits, headers) the user gave.
func startEmbedded(ctx context.Context, target *steps.Target, opts embedded.Options) (func(), error) {
	emb, err := embedded.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	t := emb.Target
	t.HTTPClient, t.Timeout, t.Headers = target.HTTPClient, target.Timeout, target.Headers
	t.MaxWait, t.Destructive, t.Progress = target.MaxWait, target.Destructive, target.Progress
	t.TimingTolerance = target.TimingTolerance
	*target = t
	return func() {
		if err := emb.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "harness: embedded reference server:", err)
		}
	}, nil
}

// embeddedOptions reads the two settings of the embedded server that exist
// for measuring the waiting check E01 (`make bench`) and are not flags:
// AUTHCONFORM_EMBEDDED_TOKEN_LIFETIME, the lifetime of its access tokens,
// and AUTHCONFORM_EMBEDDED_LEEWAY, the leeway it allows (0s for none).
// Unset, the server's defaults apply.
func embeddedOptions(getenv func(string) string) (embedded.Options, error) {
	var o embedded.Options
	for _, v := range []struct {
		name string
		dst  *time.Duration
	}{
		{"AUTHCONFORM_EMBEDDED_TOKEN_LIFETIME", &o.TokenLifetime},
		{"AUTHCONFORM_EMBEDDED_LEEWAY", &o.Leeway},
	} {
		raw := getenv(v.name)
		if raw == "" {
			continue
		}
		d, err := time.ParseDuration(raw)
		if err != nil || d < 0 {
			return o, fmt.Errorf("%s=%q: want a duration of 0s or more", v.name, raw)
		}
		*v.dst = d
	}
	if o.TokenLifetime == 0 && getenv("AUTHCONFORM_EMBEDDED_TOKEN_LIFETIME") != "" {
		return o, errors.New("AUTHCONFORM_EMBEDDED_TOKEN_LIFETIME: must be more than 0s")
	}
	if o.Leeway == 0 && getenv("AUTHCONFORM_EMBEDDED_LEEWAY") != "" {
		o.Leeway = -1 // embedded.Options: negative is none, zero the default
	}
	return o, nil
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}
