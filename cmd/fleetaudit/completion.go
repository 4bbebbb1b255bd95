package main

import (
	"github.com/spf13/cobra"
)

// completionShells are the shells cobra generates completion scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// newCompletionCmd prints cobra's completion script for a shell. Scripts complete
// commands, flags, enum values, kubeconfig contexts and namespaces by calling back into
// fleetaudit (the hidden __complete command), so they never go stale.
func newCompletionCmd(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print the completion script of a shell. It completes commands, flags, flag values
(formats, severities, kubeconfig contexts and namespaces) and file names.`,
		Example: `  source <(fleetaudit completion bash)                        # bash, this shell
  fleetaudit completion bash > /etc/bash_completion.d/fleetaudit
  fleetaudit completion zsh > "${fpath[1]}/_fleetaudit"
  fleetaudit completion fish > ~/.config/fish/completions/fleetaudit.fish
  fleetaudit completion powershell | Out-String | Invoke-Expression`,
		ValidArgs: completionShells,
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		RunE: c.runE(func(cmd *cobra.Command, args []string) (int, error) {
			root, w := cmd.Root(), c.stdout
			var err error
			switch args[0] {
			case "bash":
				err = root.GenBashCompletionV2(w, true)
			case "zsh":
				err = root.GenZshCompletion(w)
			case "fish":
				err = root.GenFishCompletion(w, true)
			case "powershell":
				err = root.GenPowerShellCompletionWithDesc(w)
			}
			return exitOK, err
		}),
	}
}
