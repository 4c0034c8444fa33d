package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/authconform/authconform/harness/internal/profile"
)

// namedPath is a file the user named, with what it is for.
type namedPath struct {
	what, path string
}

// checkReportPaths refuses a report path (--junit, --cucumber, --html)
// that is the same file as an input — the profile, the deviations, a
// --features directory or a file in it, a key, secret or TLS file — or as
// another report: writing it would destroy what the user wrote.
func checkReportPaths(o runOptions, p profile.Profile) error {
	inputs := []namedPath{{"the --profile", o.profilePath}, {"the --deviations file", o.deviations},
		{"--ca-file", o.tls.CAFile}, {"--client-cert", o.tls.ClientCert}, {"--client-key", o.tls.ClientKey}}
	inputs = append(inputs, profileFiles(p)...)
	for _, d := range o.dirs {
		inputs = append(inputs, namedPath{"the --features directory " + d, d})
		_ = filepath.WalkDir(d, func(path string, de fs.DirEntry, err error) error {
			if err == nil && !de.IsDir() {
				inputs = append(inputs, namedPath{"--features file " + path, path})
			}
			return nil
		})
	}
	var reports []namedPath
	for _, r := range []namedPath{{"--junit", o.junit}, {"--cucumber", o.cucumber}, {"--html", o.html}} {
		if r.path == "" {
			continue
		}
		for _, in := range inputs {
			if in.path != "" && samePath(r.path, in.path) {
				return fmt.Errorf("%s %s is %s: writing the report would overwrite it; name another file", r.what, r.path, in.what)
			}
		}
		for _, prev := range reports {
			if samePath(r.path, prev.path) {
				return fmt.Errorf("%s %s is also the %s report: one would overwrite the other; name two files", r.what, r.path, prev.what)
			}
		}
		reports = append(reports, r)
	}
	return nil
}

// profileFiles lists the secret and key files the profile names.
func profileFiles(p profile.Profile) []namedPath {
	var out []namedPath
	add := func(what, path string) {
		if path != "" {
			out = append(out, namedPath{what, path})
		}
	}
	add("the profile's client.secret_file", p.Client.SecretFile)
	for _, c := range []struct {
		name string
		c    *profile.Client
	}{{"resource_client", p.ResourceClient}, {"second_client", p.SecondClient}} {
		if c.c != nil {
			add("the profile's "+c.name+".secret_file", c.c.SecretFile)
		}
	}
	add("the profile's user.password_file", p.User.PasswordFile)
	if p.SecondUser != nil {
		add("the profile's second_user.password_file", p.SecondUser.PasswordFile)
	}
	if p.ScopedUser != nil {
		add("the profile's scoped_user.password_file", p.ScopedUser.PasswordFile)
	}
	if p.SigningKey != nil {
		add("the signing key file", p.SigningKey.KeyFile)
	}
	return out
}

// samePath reports whether a and b name the same file: the same cleaned
// absolute path, or, when both exist, the same file by os.SameFile (a
// link, another spelling of the path).
func samePath(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// harnessSide are the settings that describe how the harness behaves, not
// the target: the embedded reference server keeps them.
var harnessSide = map[string]bool{"timeout": true, "max-wait": true, "destructive": true, "timing-tolerance": true}

// checkEmbeddedIgnores refuses to fall back to the embedded reference
// server when the user described a target (a profile, a credential, a
// path) but gave no target URL: the embedded server would silently ignore
// those settings and the run would pass with its demo credentials.
func checkEmbeddedIgnores(o runOptions, getenv func(string) string, changed func(name string) bool) error {
	var given []string
	if o.profilePath != "" {
		given = append(given, "--profile "+o.profilePath)
	}
	for _, s := range profile.Settings {
		if harnessSide[s.Name] || s.Name == "target" {
			continue
		}
		if !s.Secret && changed(s.Name) {
			given = append(given, "--"+s.Name)
		}
		if getenv(s.EnvVar()) != "" {
			given = append(given, s.EnvVar())
		}
	}
	if len(given) == 0 {
		return nil
	}
	return fmt.Errorf("no target given: %s would be ignored by the embedded reference server; set --target (or AUTHCONFORM_TARGET, or target: in the profile) or unset them",
		strings.Join(given, ", "))
}
