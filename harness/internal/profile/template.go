package profile

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Template is the commented profile "harness init" writes.
//
//go:embed template.yaml
var Template []byte

// WriteTemplate writes Template to path. It never overwrites: an existing
// file is the user's work.
func WriteTemplate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; not overwriting it", path)
	}
	if err != nil {
		return fmt.Errorf("create profile: %w", err)
	}
	if _, err := f.Write(Template); err != nil {
		f.Close()
		return fmt.Errorf("write profile %s: %w", path, err)
	}
	return f.Close()
}
