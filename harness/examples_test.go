package main

import (
	"context"
	"os"
	"testing"

	"github.com/authconform/authconform/harness/internal/embedded"
	"github.com/authconform/authconform/harness/internal/runner"
	"github.com/authconform/authconform/steps"
)

// TestExamples_referenceServer runs the worked examples of
// features/examples against the in-process reference server, which serves
// the /orders resource they use: every example must pass, none skipped.
func TestExamples_referenceServer(t *testing.T) {
	ctx := context.Background()
	emb, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emb.Stop() })
	suite, err := steps.New(emb.Target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(suite.Close)
	// Preflight probes the capabilities, so that the examples' @needs-*
	// tags see them (Q08 needs refresh).
	if err := suite.Preflight(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := runner.Run(ctx, runner.Options{
		Suite: suite, Format: "progress", TestingT: t,
		FS: os.DirFS("../features/examples"), Paths: []string{"."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Checks) < 12 {
		t.Errorf("ran %d example checks, want the 12 of features/examples", len(res.Checks))
	}
	for _, c := range res.Checks {
		if c.Verdict != runner.Passed {
			t.Errorf("example %s: %s", c.CheckID, c.Verdict)
		}
	}
}
