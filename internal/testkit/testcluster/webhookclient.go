package testcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// WebhookClientName is the subject common name of the client certificate that an API server
// started with Options.WebhookClientCert presents to every admission webhook.
const WebhookClientName = "kube-apiserver-webhook-client"

// Options change how Start starts the clusters.
type Options struct {
	// WebhookClientCert makes the API servers present a client certificate (CN
	// WebhookClientName, issued by the fleet's PKI) to admission webhooks, through an
	// AdmissionConfiguration whose kubeconfig has a "*" user (any webhook host).
	WebhookClientCert bool
	// AllowPrivileged starts the API servers with --allow-privileged=true, as real clusters
	// run, so privileged containers can be created (the default refuses them).
	AllowPrivileged bool
}

// admissionConfigArgs writes the admission configuration into dir and returns the flag.
func (p *PKI) admissionConfigArgs(dir string) ([]string, error) {
	cert, key, err := p.ClientPair(WebhookClientName)
	if err != nil {
		return nil, err
	}
	kc := clientcmdapi.NewConfig()
	kc.AuthInfos["*"] = &clientcmdapi.AuthInfo{ClientCertificateData: cert, ClientKeyData: key}
	kubeconfig := filepath.Join(dir, "webhook-client.kubeconfig")
	if err := clientcmd.WriteToFile(*kc, kubeconfig); err != nil {
		return nil, err
	}
	var doc string
	for _, plugin := range []string{"ValidatingAdmissionWebhook", "MutatingAdmissionWebhook"} {
		doc += fmt.Sprintf(`- name: %s
  configuration:
    apiVersion: apiserver.config.k8s.io/v1
    kind: WebhookAdmissionConfiguration
    kubeConfigFile: %q
`, plugin, kubeconfig)
	}
	admission := filepath.Join(dir, "admission.yaml")
	doc = "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n" + doc
	if err := os.WriteFile(admission, []byte(doc), 0o600); err != nil {
		return nil, err
	}
	return []string{"--admission-control-config-file=" + admission}, nil
}

// ServiceAccountToken creates the ServiceAccount namespace/name (and its namespace) when
// missing and returns a token for it from the TokenRequest API, valid for audiences (default:
// the API server's own) for an hour.
func (c *Cluster) ServiceAccountToken(t testing.TB, namespace, name string, audiences ...string) string {
	t.Helper()
	c.CreateNamespace(t, namespace)
	c.ensureServiceAccount(t, namespace, name)
	hour := int64(3600)
	tr, err := c.Admin.CoreV1().ServiceAccounts(namespace).CreateToken(context.Background(), name, &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{Audiences: audiences, ExpirationSeconds: &hour}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("%s: token for serviceaccount %s/%s: %v", c.Name, namespace, name, err)
	}
	return tr.Status.Token
}
