// Package detection holds the harness's proof of its detection power, as
// tests only: the suite runs against the reference server with each of its
// deliberate faults (server.Faults) switched on, and exactly the checks a
// fault names must fail while every other check keeps the verdict it has
// against the correct server. `make test` runs a quick subset, `make
// detect` (and CI) every fault; `make detect-update` rewrites the table in
// testdata/table.md and the README.
package detection
