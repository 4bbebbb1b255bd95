package main

import (
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// kubeFlags are kubectl's connection flags, with kubectl's names and meaning: --kubeconfig,
// --request-timeout (and -n/--namespace where a command asks for it) come from
// cli-runtime's ConfigFlags, so help text and parsing match kubectl's.
//
// --context does not: ConfigFlags.Context is one string (kubectl talks to one cluster),
// while fleetaudit audits many, so --context here is repeatable and comma-separated
// (--context a --context b, --context a,b; default every context) and the contexts are
// resolved by fleet.LoadKubeconfig. ConfigFlags still loads the kubeconfig for completion.
type kubeFlags struct {
	kubeconfig string
	contexts   []string
	timeout    string // --request-timeout, kubectl syntax ("0", "30", "1m")
	namespace  string
}

// register adds --kubeconfig, --context and --request-timeout to cmd, and completes
// --context with the kubeconfig's contexts.
func (k *kubeFlags) register(cmd *cobra.Command) {
	k.timeout = "0"
	addFlags(cmd, groupCluster, func(fs *pflag.FlagSet) {
		cf := &genericclioptions.ConfigFlags{KubeConfig: &k.kubeconfig, Timeout: &k.timeout}
		cf.AddFlags(fs)
		fs.StringSliceVar(&k.contexts, "context", nil, "kubeconfig contexts to audit (repeatable or comma-separated; default: every context)")
		// kubectl's text, but zero does not mean "wait forever" here: --timeout still ends
		// the cluster's collection.
		f := fs.Lookup("request-timeout")
		f.Usage = strings.Replace(f.Usage, "A value of zero means don't timeout requests.", "Zero: requests are bounded only by --timeout.", 1)
	})
	_ = cmd.MarkFlagFilename("kubeconfig")
	_ = cmd.RegisterFlagCompletionFunc("context", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return k.contextNames(), cobra.ShellCompDirectiveNoFileComp
	})
}

// registerNamespace adds kubectl's -n/--namespace with this command's meaning, in help
// group, completed with the namespaces the kubeconfig's contexts name.
func (k *kubeFlags) registerNamespace(cmd *cobra.Command, group, usage string) {
	addFlags(cmd, group, func(fs *pflag.FlagSet) {
		(&genericclioptions.ConfigFlags{Namespace: &k.namespace}).AddFlags(fs)
		fs.Lookup("namespace").Usage = usage
	})
	_ = cmd.RegisterFlagCompletionFunc("namespace", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return k.namespaceNames(), cobra.ShellCompDirectiveNoFileComp
	})
}

// requestTimeout parses --request-timeout as kubectl does.
func (k *kubeFlags) requestTimeout() (time.Duration, error) {
	if k.timeout == "" {
		return 0, nil
	}
	t, err := clientcmd.ParseTimeout(k.timeout)
	if err != nil {
		return 0, usagef("--request-timeout %q: want an integer of seconds or a duration such as 30s, 2m", k.timeout)
	}
	return t, nil
}

// rawConfig loads the kubeconfig the way kubectl does (--kubeconfig, $KUBECONFIG,
// ~/.kube/config); completion runs without a terminal, so errors mean no suggestions.
func (k *kubeFlags) rawConfig() *clientcmdapi.Config {
	cfg, err := (&genericclioptions.ConfigFlags{KubeConfig: &k.kubeconfig}).ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil
	}
	return &cfg
}

func (k *kubeFlags) contextNames() []string {
	cfg := k.rawConfig()
	if cfg == nil {
		return nil
	}
	var out []string
	for name := range cfg.Contexts {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// namespaceNames are the namespaces set on the kubeconfig's contexts (those chosen with
// --context, or all), plus kube-system; fleetaudit does not call a cluster to complete.
func (k *kubeFlags) namespaceNames() []string {
	cfg := k.rawConfig()
	if cfg == nil {
		return nil
	}
	out := []string{"kube-system"}
	for name, c := range cfg.Contexts {
		if c.Namespace != "" && (len(k.contexts) == 0 || slices.Contains(k.contexts, name)) {
			out = append(out, c.Namespace)
		}
	}
	slices.SortFunc(out, strings.Compare)
	return slices.Compact(out)
}
