package chart

import (
	"fmt"
	"strings"
	"testing"
)

// byKind returns the rendered objects of kind, by name.
func byKind(docs []map[string]any, kind string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, d := range docs {
		if d["kind"] == kind {
			out[dig(d, "metadata")["name"].(string)] = d
		}
	}
	return out
}

// TestIndexedJobReport: report.shards=3 makes each scheduled run an Indexed Job of 3
// completions, report.parallelism pods at a time; every pod audits its shard (--shards 3, the
// index from JOB_COMPLETION_INDEX) into a folder of its Job's uid with report --parts-dir,
// and the pod of index 0 merges the three parts into the history. The defaults keep today's one-pod report.
func TestIndexedJobReport(t *testing.T) {
	cj := byKind(render(t, valueSets()["indexedJob"]), "CronJob")["fleetaudit-report"]
	job := dig(cj, "spec", "jobTemplate", "spec")
	if job["completionMode"] != "Indexed" || fmt.Sprint(job["completions"]) != "3" || fmt.Sprint(job["parallelism"]) != "2" {
		t.Errorf("job spec: completionMode %v, completions %v, parallelism %v; want Indexed, 3, 2", job["completionMode"], job["completions"], job["parallelism"])
	}
	pod := dig(job, "template", "spec")
	c := pod["containers"].([]any)[0].(map[string]any)
	args := fmt.Sprint(c["args"])
	for _, want := range []string{"report --in-cluster --cluster-name=in-cluster --output-dir=/reports --keep-for=2160h --log-format=json",
		"--shards=3", "--parts-dir=/reports/parts/$(RUN_ID)", "--merge-timeout=3600s"} {
		if !strings.Contains(args, want) {
			t.Errorf("the shard pods' args lack %s: %s", want, args)
		}
	}
	if c["command"] != nil || pod["initContainers"] != nil {
		t.Errorf("a sharded report needs no shell and no init container: command %v, init containers %v", c["command"], pod["initContainers"])
	}
	if env := string(mustJSON(c["env"])); !strings.Contains(env, `"name":"RUN_ID"`) || !strings.Contains(env, `batch.kubernetes.io/controller-uid`) {
		t.Errorf("the run id does not come from the Job's uid: %s", env)
	}
	if vols := string(mustJSON(pod["volumes"])); !strings.Contains(vols, `"claimName":"fleetaudit-reports"`) {
		t.Errorf("the shard pods do not share the history volume: %s", vols)
	}

	cj = byKind(render(t, nil), "CronJob")["fleetaudit-report"]
	job = dig(cj, "spec", "jobTemplate", "spec")
	c = dig(job, "template", "spec")["containers"].([]any)[0].(map[string]any)
	if job["completionMode"] != nil || c["command"] != nil || c["args"].([]any)[0] != "report" {
		t.Errorf("unsharded, the report CronJob changed: %s", mustJSON(job))
	}
}

// TestShardedReportNeedsASharedVolume: the parts must be on a volume every shard pod mounts,
// and pod 0 waits for the others: without persistence, or with one pod at a time, the chart
// refuses to render and says what to set.
func TestShardedReportNeedsASharedVolume(t *testing.T) {
	for _, c := range []struct {
		report map[string]any
		want   string
	}{
		{map[string]any{"shards": 2}, "report.shards=2 needs the report history on a volume that every shard pod mounts: set report.persistence.enabled=true"},
		{map[string]any{"shards": 3, "parallelism": 1, "persistence": map[string]any{"existingClaim": "history"}}, "report.parallelism=1 with report.shards=3"},
	} {
		_, err := Render(chartDir, "fleetaudit", "fleetaudit", map[string]any{"report": c.report})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("report %v: want an error saying %q, got %v", c.report, c.want, err)
		}
	}
	if _, err := Render(chartDir, "fleetaudit", "fleetaudit", map[string]any{"report": map[string]any{"shards": 0}}); err == nil || !strings.Contains(err.Error(), "shards") {
		t.Errorf("report.shards=0 must be a schema error: %v", err)
	}
}

// TestStatefulSetServe: serve.shards=3 renders a StatefulSet of 3 pods started in parallel,
// each serving its shard (ordinal from HOSTNAME) and forwarding gate requests to its peers
// through the headless Service; the normal Service, the PDB and the ServiceMonitor select
// every shard pod; the NetworkPolicy lets the peers reach each other's gate port.
func TestStatefulSetServe(t *testing.T) {
	docs := renderWith(t, Options{Release: "fleetaudit", Namespace: "fleetaudit", Values: valueSets()["statefulSet"], APIVersions: withMonitoring(t)})
	sts := byKind(docs, "StatefulSet")["fleetaudit"]
	spec := dig(sts, "spec")
	if fmt.Sprint(spec["replicas"]) != "3" || spec["podManagementPolicy"] != "Parallel" || spec["serviceName"] != "fleetaudit-peers" {
		t.Errorf("StatefulSet: replicas %v, podManagementPolicy %v, serviceName %v", spec["replicas"], spec["podManagementPolicy"], spec["serviceName"])
	}
	args := fmt.Sprint(dig(spec, "template", "spec")["containers"].([]any)[0].(map[string]any)["args"])
	for _, want := range []string{"--shards=3", "--shard-peer-url=https://fleetaudit-{index}.fleetaudit-peers.fleetaudit.svc:8443", "--tls-listen=:8443",
		"--peer-ca=/etc/fleetaudit/tls/ca.crt", "--peer-client-cert=/etc/fleetaudit/peer-client/tls.crt", "--peer-client-key=/etc/fleetaudit/peer-client/tls.key"} {
		if !strings.Contains(args, want) {
			t.Errorf("serve args lack %s: %s", want, args)
		}
	}
	serveSelector := `"app.kubernetes.io/component":"serve","app.kubernetes.io/instance":"fleetaudit","app.kubernetes.io/name":"fleetaudit"`
	if got := string(mustJSON(dig(spec, "selector"))); !strings.Contains(got, serveSelector) {
		t.Errorf("StatefulSet selector %s", got)
	}
	svcs := byKind(docs, "Service")
	peers := dig(svcs["fleetaudit-peers"], "spec")
	if peers["clusterIP"] != "None" || !strings.Contains(string(mustJSON(peers)), serveSelector) || strings.Contains(string(mustJSON(peers)), "metrics") {
		t.Errorf("headless Service: %s", mustJSON(peers))
	}
	if got := string(mustJSON(dig(svcs["fleetaudit"], "spec"))); !strings.Contains(got, `"name":"metrics"`) || !strings.Contains(got, serveSelector) {
		t.Errorf("the Service does not front every shard pod: %s", got)
	}
	if pdb := dig(byKind(docs, "PodDisruptionBudget")["fleetaudit"], "spec"); fmt.Sprint(pdb["maxUnavailable"]) != "1" || !strings.Contains(string(mustJSON(pdb)), serveSelector) {
		t.Errorf("PDB: %s", mustJSON(pdb))
	}
	if sm := string(mustJSON(byKind(docs, "ServiceMonitor")["fleetaudit"])); !strings.Contains(sm, `"port":"metrics"`) {
		t.Errorf("ServiceMonitor: %s", sm)
	}
	np := string(mustJSON(byKind(docs, "NetworkPolicy")["fleetaudit"]))
	peerRule := `{"podSelector":{"matchLabels":{` + serveSelector + `}}}`
	if strings.Count(np, peerRule) != 2 {
		t.Errorf("the NetworkPolicy must let shard pods reach each other's gate port (ingress and egress): %s", np)
	}

	_, err := Render(chartDir, "fleetaudit", "fleetaudit", map[string]any{"serve": map[string]any{"shards": 2, "replicas": 2}})
	if err == nil || !strings.Contains(err.Error(), "leave serve.replicas at 1") {
		t.Errorf("serve.shards with serve.replicas > 1 must not render: %v", err)
	}
	if k := kinds(render(t, nil)); k["StatefulSet"] != 0 || k["Deployment"] != 1 || k["Service"] != 1 {
		t.Errorf("unsharded, serve is one Deployment behind one Service: %v", k)
	}
}

// TestNotesNameTheShardedModes: after installing, helm prints how to follow a sharded run and
// the shard pods.
func TestNotesNameTheShardedModes(t *testing.T) {
	for name, want := range map[string][]string{
		"indexedJob":  {"Indexed Job of 3 pods", "/reports/parts/", "ReadWriteMany"},
		"statefulSet": {"kubectl -n fleetaudit rollout status statefulset/fleetaudit", "3 shards"},
	} {
		notes, err := Notes(chartDir, Options{Release: "fleetaudit", Namespace: "fleetaudit", Values: valueSets()[name]})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(notes, w) {
				t.Errorf("%s: NOTES.txt lacks %q:\n%s", name, w, notes)
			}
		}
	}
}

// TestShardedGateNeedsPeerAuthentication: replicas forward gate requests to the owner, which
// must authenticate them: without a peer client certificate or token reviews the chart
// refuses to render (serve would refuse to start), and with token reviews it forwards tokens.
func TestShardedGateNeedsPeerAuthentication(t *testing.T) {
	serve := map[string]any{"shards": 2, "tlsSecretName": "gate-tls", "clientCASecretName": "gate-client-ca"}
	if _, err := Render(chartDir, "fleetaudit", "fleetaudit", map[string]any{"serve": serve}); err == nil || !strings.Contains(err.Error(), "set serve.peerClientSecretName") {
		t.Errorf("no way to authenticate forwarded requests: want a render error, got %v", err)
	}
	serve["tokenReview"] = map[string]any{"inCluster": true}
	docs, err := RenderWith(chartDir, Options{Release: "fleetaudit", Namespace: "fleetaudit", Values: map[string]any{"serve": serve}})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(docs); !strings.Contains(s, "--peer-ca=/etc/fleetaudit/tls/ca.crt") || strings.Contains(s, "--peer-client-cert") {
		t.Errorf("with token reviews: want --peer-ca and no peer client certificate")
	}
}
