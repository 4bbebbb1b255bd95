package testcluster

import (
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Context is one kubeconfig context to write.
type Context struct {
	Name   string
	Server string
	CAData []byte
	Token  string
}

// Contexts returns one admin context per cluster of the fleet.
func (f *Fleet) Contexts() []Context {
	var out []Context
	for _, c := range f.Clusters {
		out = append(out, Context{Name: c.Name, Server: c.URL, CAData: c.CAData, Token: AdminToken})
	}
	return out
}

// WriteKubeconfig writes a kubeconfig with the given contexts to path; the first is current.
func WriteKubeconfig(path string, ctxs ...Context) error {
	cfg := clientcmdapi.NewConfig()
	for _, c := range ctxs {
		cfg.Clusters[c.Name] = &clientcmdapi.Cluster{Server: c.Server, CertificateAuthorityData: c.CAData}
		cfg.AuthInfos[c.Name] = &clientcmdapi.AuthInfo{Token: c.Token}
		cfg.Contexts[c.Name] = &clientcmdapi.Context{Cluster: c.Name, AuthInfo: c.Name}
	}
	if len(ctxs) > 0 {
		cfg.CurrentContext = ctxs[0].Name
	}
	return clientcmd.WriteToFile(*cfg, path)
}
