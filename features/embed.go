// Package features embeds authconform's built-in Gherkin feature files, the
// executable form of the check catalogue.
package features

import "embed"

// FS holds every built-in *.feature file at its root.
//
//go:embed *.feature
var FS embed.FS
