package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// runCompletion prints a completion script for bash or zsh: commands, then flags (the config
// keys plus each command's own).
func runCompletion(_ context.Context, args []string, stdout, _ io.Writer) (int, error) {
	if len(args) != 1 || (args[0] != "bash" && args[0] != "zsh") {
		return exitUsage, usagef("want: completion bash|zsh (e.g. source <(fleetaudit completion bash))")
	}
	var cmds []string
	for _, c := range commands() {
		cmds = append(cmds, c.name)
	}
	flags := []string{"--config", "--demo", "-o", "-n"}
	for _, k := range slices.Sorted(mapKeys(configKeys)) {
		flags = append(flags, "--"+k)
	}
	script := fmt.Sprintf(`# fleetaudit completion
_fleetaudit() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "%s" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "%s" -- "$cur"))
  fi
}
complete -o default -F _fleetaudit fleetaudit
`, strings.Join(cmds, " "), strings.Join(flags, " "))
	if args[0] == "zsh" {
		script = "autoload -U +X bashcompinit && bashcompinit\n" + script
	}
	_, err := io.WriteString(stdout, script)
	return exitOK, err
}
