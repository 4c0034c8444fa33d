package main

import (
	"github.com/spf13/cobra"

	"github.com/authconform/authconform/steps"
)

func newStepsCommand(e env) *cobra.Command {
	var markdown bool
	cmd := &cobra.Command{
		Use:   "steps",
		Short: "List every step a feature file can use, with an example",
		Long: `List every step pattern a feature file can use, grouped by keyword,
with a one-line description and an example taken from a feature file the
harness's own tests run.

With --markdown the list is written as the Markdown document committed at
steps/STEPS.md.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if markdown {
				return steps.WriteMarkdown(e.stdout, steps.Vocabulary())
			}
			return steps.WriteText(e.stdout, steps.Vocabulary())
		},
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "write the list as a Markdown document")
	return cmd
}
