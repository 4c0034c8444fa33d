package catalog

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Mounts is one fs.FS made of several feature trees, each under a name of
// its own, so godog can run the built-in features and a team's directories
// in one suite.
type Mounts struct {
	names []string
	trees map[string]fs.FS
}

// Add mounts fsys under a name derived from want, made unique.
func (m *Mounts) Add(want string, fsys fs.FS) string {
	if m.trees == nil {
		m.trees = map[string]fs.FS{}
	}
	name := want
	for i := 2; m.trees[name] != nil; i++ {
		name = fmt.Sprintf("%s-%d", want, i)
	}
	m.names = append(m.names, name)
	m.trees[name] = fsys
	return name
}

// AddDir mounts a directory of the file system. A missing path or a file
// is an error.
func (m *Mounts) AddDir(dir string) (string, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("feature directory %s: %w", dir, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("feature directory %s: not a directory", dir)
	}
	base := filepath.Base(filepath.Clean(dir))
	if base == "." || base == "/" || base == ".." || !fs.ValidPath(base) {
		base = "features"
	}
	return m.Add(base, os.DirFS(dir)), nil
}

// Names returns the mount names, in the order they were added.
func (m *Mounts) Names() []string { return m.names }

// Open implements fs.FS.
func (m *Mounts) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	first, rest, _ := strings.Cut(name, "/")
	tree := m.trees[first]
	if tree == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if rest == "" {
		rest = "."
	}
	return tree.Open(path.Clean(rest))
}

// LoadAll parses every mounted tree.
func (m *Mounts) LoadAll() ([]Scenario, error) {
	var out []Scenario
	for _, name := range m.names {
		scs, err := Load(m, name)
		if err != nil {
			return nil, err
		}
		out = append(out, scs...)
	}
	return out, nil
}
