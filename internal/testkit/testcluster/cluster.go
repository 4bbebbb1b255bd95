package testcluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// AdminToken is the static bearer token of the admin user (group system:masters) in every
// test cluster.
const AdminToken = "fleetaudit-test-admin-token"

// Cluster is one running test cluster.
type Cluster struct {
	Name   string
	URL    string // https://127.0.0.1:PORT
	CAData []byte // PEM of the CA that signed the serving certificate
	// Admin is a clientset authenticated as the admin user.
	Admin  kubernetes.Interface
	Config *rest.Config
	Dir    string // work folder: logs, certificates, etcd data
	// EtcdURL is etcd's client URL; APIServerArgs are the flags the API server was started
	// with (kube-bench reads them from the process table).
	EtcdURL       string
	APIServerArgs []string

	procs []*proc
}

type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Fleet is a set of running test clusters sharing one CA.
type Fleet struct {
	Clusters []*Cluster
	PKI      *PKI
	Dir      string
}

// Start starts one cluster per name, in parallel, and stops them all when the test ends
// (also when it fails). It fails the test if any cluster does not become ready.
func Start(t testing.TB, names ...string) *Fleet {
	t.Helper()
	return StartWith(t, Options{}, names...)
}

// StartWith is Start with options.
func StartWith(t testing.TB, o Options, names ...string) *Fleet {
	t.Helper()
	bins := RequireBinaries(t)
	pki, err := NewPKI()
	if err != nil {
		t.Fatalf("create test CA: %v", err)
	}
	dir := t.TempDir()
	f := &Fleet{PKI: pki, Dir: dir}
	errs := make([]error, len(names))
	f.Clusters = make([]*Cluster, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		c := &Cluster{Name: name, Dir: filepath.Join(shmDir(t), name)}
		f.Clusters[i] = c
		t.Cleanup(c.stop)
		wg.Go(func() { errs[i] = c.start(bins, pki, o) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("start test clusters: %v", err)
	}
	return f
}

// Cluster returns the cluster with that name.
func (f *Fleet) Cluster(name string) *Cluster {
	for _, c := range f.Clusters {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// shmDir is a per-test folder in memory when /dev/shm exists: etcd fsyncs on every write and a
// tmpfs makes seeding thousands of objects fast. Removed when the test ends.
func shmDir(t testing.TB) string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		d, err := os.MkdirTemp("/dev/shm", "fleetaudit-test-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return t.TempDir()
}

func (c *Cluster) start(bins Binaries, pki *PKI, o Options) error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	etcdPort, peerPort, apiPort, err := freePorts3()
	if err != nil {
		return err
	}
	c.EtcdURL = fmt.Sprintf("http://127.0.0.1:%d", etcdPort)
	peer := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	if err := c.spawn("etcd", bins.Etcd,
		"--name", "default", "--data-dir", filepath.Join(c.Dir, "etcd"),
		"--listen-client-urls", c.EtcdURL, "--advertise-client-urls", c.EtcdURL,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
		"--initial-cluster", "default="+peer, "--log-level", "warn"); err != nil {
		return err
	}
	certFile, keyFile, err := pki.writeServingFiles(c.Dir, "apiserver")
	if err != nil {
		return err
	}
	tokens := filepath.Join(c.Dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(AdminToken+",admin,admin-uid,\"system:masters\"\n"), 0o600); err != nil {
		return err
	}
	saKey := filepath.Join(c.Dir, "sa.key")
	if err := writeRSAKey(saKey); err != nil {
		return err
	}
	c.URL = fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	c.CAData = pki.CACert
	c.APIServerArgs = []string{
		"--etcd-servers=" + c.EtcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--tls-cert-file=" + certFile, "--tls-private-key-file=" + keyFile,
		"--token-auth-file=" + tokens,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + saKey, "--service-account-signing-key-file=" + saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--anonymous-auth=false",
		"--profiling=false",
		"--endpoint-reconciler-type=none",
		"--v=0",
	}
	if o.AllowPrivileged {
		c.APIServerArgs = append(c.APIServerArgs, "--allow-privileged=true")
	}
	if o.WebhookClientCert {
		args, err := pki.admissionConfigArgs(c.Dir)
		if err != nil {
			return err
		}
		c.APIServerArgs = append(c.APIServerArgs, args...)
	}
	if err := c.spawn("kube-apiserver", bins.APIServer, c.APIServerArgs...); err != nil {
		return err
	}
	c.Config = &rest.Config{
		Host: c.URL, BearerToken: AdminToken,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.CAData},
		QPS:             200, Burst: 400, Timeout: 30 * time.Second,
	}
	if c.Admin, err = kubernetes.NewForConfig(c.Config); err != nil {
		return err
	}
	return c.waitReady(90 * time.Second)
}

func (c *Cluster) spawn(name, bin string, args ...string) error {
	logf, err := os.Create(filepath.Join(c.Dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own process group, and SIGKILL if the test binary dies without running its cleanups.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logf.Close(); close(p.done) }()
	c.procs = append(c.procs, p)
	return nil
}

func (c *Cluster) waitReady(timeout time.Duration) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.CAData)
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		for _, p := range c.procs {
			if p.exited() {
				return fmt.Errorf("cluster %s: %s exited early; log tail:\n%s", c.Name, p.name, c.logTail(p.name))
			}
		}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, c.URL+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+AdminToken)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("cluster %s: not ready after %s (last: %s); kube-apiserver log tail:\n%s",
		c.Name, timeout, last, c.logTail("kube-apiserver"))
}

func (c *Cluster) logTail(name string) string {
	b, _ := os.ReadFile(filepath.Join(c.Dir, name+".log"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// stop kills the cluster's processes (API server first) and waits for them to exit.
func (c *Cluster) stop() {
	for i := len(c.procs) - 1; i >= 0; i-- {
		_ = syscall.Kill(-c.procs[i].cmd.Process.Pid, syscall.SIGKILL)
	}
	for _, p := range c.procs {
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
		}
	}
	c.procs = nil
}

// freePorts3 reserves three distinct loopback ports (released just before use).
func freePorts3() (a, b, c int, err error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports [3]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, 0, err
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1], ports[2], nil
}

// ClosedPort returns a loopback port that nothing listens on.
func ClosedPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	p := l.Addr().(*net.TCPAddr).Port
	return p, l.Close()
}
