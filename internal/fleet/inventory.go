// Package fleet finds the clusters of a fleet (kubeconfig contexts or a snapshot folder) and
// runs the audit over them in parallel with a bounded worker pool: collect (or read) each
// cluster's facts, evaluate the rules, and hand each result on as soon as it is ready, so
// memory holds a few clusters' facts at a time, not the whole fleet's.
package fleet

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Target is one live cluster reached through a kubeconfig context.
type Target struct {
	Name   string
	Server string
	Config *rest.Config
}

// KubeconfigOptions select the contexts to audit.
type KubeconfigOptions struct {
	// Path is an explicit kubeconfig file; empty means $KUBECONFIG or ~/.kube/config.
	Path string
	// Contexts to audit; empty means every context.
	Contexts []string
	// QPS and Burst bound each cluster's client (each cluster gets its own budget).
	QPS   float32
	Burst int
	// Timeout bounds each request (and, in Run, each cluster's whole collection).
	Timeout time.Duration
}

// LoadKubeconfig resolves the contexts to audit. Errors name the file and the context.
func LoadKubeconfig(o KubeconfigOptions) ([]Target, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	where := strings.Join(rules.Precedence, string(os.PathListSeparator))
	if o.Path != "" {
		rules.ExplicitPath = o.Path
		where = o.Path
	}
	raw, err := rules.Load()
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	if len(raw.Contexts) == 0 {
		return nil, fmt.Errorf("kubeconfig %s has no contexts (set --kubeconfig or $KUBECONFIG, or use --demo)", where)
	}
	names := o.Contexts
	if len(names) == 0 {
		for n := range raw.Contexts {
			names = append(names, n)
		}
		slices.Sort(names)
	}
	var out []Target
	for _, name := range names {
		if _, ok := raw.Contexts[name]; !ok {
			avail := make([]string, 0, len(raw.Contexts))
			for n := range raw.Contexts {
				avail = append(avail, n)
			}
			slices.Sort(avail)
			return nil, fmt.Errorf("context %q not found in kubeconfig %s (available: %s)", name, where, strings.Join(avail, ", "))
		}
		cfg, err := clientcmd.NewNonInteractiveClientConfig(*raw, name, &clientcmd.ConfigOverrides{}, rules).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("context %q in kubeconfig %s: %s", name, where, strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		cfg.QPS, cfg.Burst, cfg.Timeout = o.QPS, o.Burst, o.Timeout
		cfg.WarningHandler = rest.NoWarnings{}
		cfg.UserAgent = "fleetaudit"
		out = append(out, Target{Name: name, Server: cfg.Host, Config: cfg})
	}
	return out, nil
}

// InCluster is the cluster fleetaudit runs in, reached with its pod's ServiceAccount.
func InCluster(name string, o KubeconfigOptions) ([]Target, error) {
	cfg, err := rest.InClusterConfig()
	if err != nil {
		return nil, fmt.Errorf("in-cluster config (is fleetaudit running in a pod?): %w", err)
	}
	cfg.QPS, cfg.Burst, cfg.Timeout = o.QPS, o.Burst, o.Timeout
	cfg.WarningHandler = rest.NoWarnings{}
	cfg.UserAgent = "fleetaudit"
	return []Target{{Name: name, Server: cfg.Host, Config: cfg}}, nil
}
