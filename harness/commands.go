package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/authconform/authconform/harness/internal/catalog"
	"github.com/authconform/authconform/harness/internal/profile"
)

func newInitCommand(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented target profile to edit (default authconform.yaml)",
		Long: `Write a commented target profile template to FILE (default
authconform.yaml). An existing file is never overwritten.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "authconform.yaml"
			if len(args) == 1 {
				path = args[0]
			}
			if err := profile.WriteTemplate(path); err != nil {
				return usageErr(err)
			}
			fmt.Fprintf(e.stdout, "wrote %s; edit it, then run: harness run --profile %s\n", path, path)
			return nil
		},
	}
}

func newChecksCommand(e env) *cobra.Command {
	var o featureOpts
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List the checks: ID, severity, needs, RFC sections, title",
		Long: `List the checks the feature files implement, read from the files
themselves: check ID, severity, the capabilities it needs (skipped when the
target lacks them), the RFC sections it checks, and its title.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, scs, err := o.mount()
			if err != nil {
				return usageErr(err)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "CHECK\tSEVERITY\tNEEDS\tRFC\tTITLE")
			for _, c := range catalog.Checks(scs) {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.CheckID, dash(c.Severity),
					dash(strings.Join(c.Needs, ",")), dash(strings.Join(c.Refs, ", ")), c.Title)
			}
			return tw.Flush()
		},
	}
	addFeatureFlags(cmd.Flags(), &o)
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
