package chart

import (
	"encoding/json"
	"fmt"
	"github.com/fleetaudit/fleetaudit/dashboards"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"
)

// withMonitoring is Helm's built-in API set plus the Prometheus Operator's API, as a cluster
// with its CRDs reports it.
func withMonitoring(t *testing.T, more ...string) []string {
	t.Helper()
	vs := append([]string{}, chartutil.DefaultVersionSet...)
	vs = append(vs, "monitoring.coreos.com/v1", "monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PrometheusRule")
	return append(vs, more...)
}

// nDashboards is how many dashboards fleetaudit generates: the chart ships each one.
var nDashboards = len(dashboards.All())

// valueSets are realistic installations: the defaults, everything switched on, reports only
// (no serve), report history on a volume, a locked-down network, and the sharded modes:
// scheduled reports as an Indexed Job, serve as a StatefulSet (docs/scale.md).
func valueSets() map[string]map[string]any {
	everything := webhookValues()
	serve := everything["serve"].(map[string]any)
	serve["replicas"] = 2
	serve["tokenReview"] = map[string]any{"inCluster": true, "audiences": []any{"fleetaudit"}}
	serve["allowedCallers"] = []any{"system:serviceaccount:capi-system:capi-controller-manager"}
	serve["profiles"] = map[string]any{"platform.yaml": map[string]any{"apiVersion": "fleetaudit.io/v1alpha1", "kind": "ClusterProfile"}}
	serve["clusterAPI"] = map[string]any{"extensionConfig": true}
	everything["kubeconfig"] = map[string]any{"secretName": "fleet-kubeconfig"}
	everything["image"] = map[string]any{"digest": "sha256:" + strings.Repeat("ab", 32)}
	everything["imagePullSecrets"] = []any{map[string]any{"name": "regcred"}}
	everything["serviceAccount"] = map[string]any{"annotations": map[string]any{"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/fleetaudit"}}
	everything["report"] = map[string]any{"persistence": map[string]any{"enabled": true, "size": "5Gi", "storageClassName": "standard"}}
	everything["serviceMonitor"] = map[string]any{"labels": map[string]any{"release": "kube-prometheus-stack"}}
	everything["prometheusRule"] = map[string]any{"labels": map[string]any{"release": "kube-prometheus-stack"}}
	everything["dashboards"] = map[string]any{"annotations": map[string]any{"grafana_folder": "Fleet"},
		"grafanaOperator": map[string]any{"enabled": true, "folder": "Fleet"}}
	everything["networkPolicy"] = lockedDown()
	everything["podLabels"] = map[string]any{"azure.workload.identity/use": "true"}
	everything["podAnnotations"] = map[string]any{"example.com/team": "platform"}
	everything["priorityClassName"] = "system-cluster-critical"
	// An exec credential plugin brought by an init container (docs/images.md).
	everything["initContainers"] = []any{map[string]any{"name": "gke-auth-plugin", "image": "registry.example.com/gke-gcloud-auth-plugin@sha256:" + strings.Repeat("cd", 32),
		"command":         []any{"cp", "/usr/local/bin/gke-gcloud-auth-plugin", "/plugins/"},
		"volumeMounts":    []any{map[string]any{"name": "plugins", "mountPath": "/plugins"}},
		"resources":       map[string]any{"requests": map[string]any{"cpu": "10m", "memory": "16Mi"}, "limits": map[string]any{"memory": "16Mi"}},
		"securityContext": map[string]any{"runAsNonRoot": true, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": map[string]any{"drop": []any{"ALL"}}}}}
	everything["extraVolumes"] = []any{map[string]any{"name": "plugins", "emptyDir": map[string]any{}}}
	everything["extraVolumeMounts"] = []any{map[string]any{"name": "plugins", "mountPath": "/plugins", "readOnly": true}}
	return map[string]map[string]any{
		"defaults":    nil,
		"everything":  everything,
		"cronjob":     {"serve": map[string]any{"enabled": false}},
		"persistence": {"report": map[string]any{"persistence": map[string]any{"enabled": true}}},
		"networkPolicy": {"networkPolicy": lockedDown(),
			"serve": map[string]any{"tlsSecretName": "gate-tls", "clientCASecretName": "gate-client-ca"}},
		"indexedJob": {"report": map[string]any{"shards": 3, "parallelism": 2,
			"persistence": map[string]any{"enabled": true, "accessModes": []any{"ReadWriteMany"}}}},
		"statefulSet": statefulSetValues(),
	}
}

// statefulSetValues: serve in 3 shards with the gate (its peers forward to each other) behind
// a locked-down network whose gate port admits only the API servers' namespace.
func statefulSetValues() map[string]any {
	np := lockedDown()
	np["ingress"].(map[string]any)["gateFrom"] = []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "kube-system"}}}}
	return map[string]any{"networkPolicy": np,
		"serve": map[string]any{"shards": 3, "tlsSecretName": "gate-tls", "clientCASecretName": "gate-client-ca", "peerClientSecretName": "gate-peer-client"}}
}

func lockedDown() map[string]any {
	return map[string]any{"enabled": true,
		"egress": map[string]any{
			"apiServers": map[string]any{"cidrs": []any{"10.0.0.10/32", "203.0.113.0/24"}},
			"prometheus": map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "monitoring"}},
				"podSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "prometheus"}}}},
		"ingress": map[string]any{"metricsFrom": []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "monitoring"}}}}}}
}

// kinds counts the rendered objects by kind.
func kinds(docs []map[string]any) map[string]int {
	out := map[string]int{}
	for _, d := range docs {
		out[d["kind"].(string)]++
	}
	return out
}

// TestExtraVolumesAndInitContainers: both pod specs (serve and report) get the extra
// volume, its mount, the init container and a writable /tmp.
func TestExtraVolumesAndInitContainers(t *testing.T) {
	for _, d := range render(t, valueSets()["everything"]) {
		var spec map[string]any
		switch d["kind"] {
		case "Deployment":
			spec = dig(d, "spec", "template", "spec")
		case "CronJob":
			spec = dig(d, "spec", "jobTemplate", "spec", "template", "spec")
		default:
			continue
		}
		vols := fmt.Sprint(spec["volumes"])
		mounts := fmt.Sprint(spec["containers"].([]any)[0].(map[string]any)["volumeMounts"])
		inits := fmt.Sprint(spec["initContainers"])
		if !strings.Contains(vols, "name:plugins") || !strings.Contains(vols, "name:tmp") || !strings.Contains(mounts, "mountPath:/plugins") ||
			!strings.Contains(mounts, "mountPath:/tmp") || !strings.Contains(inits, "gke-auth-plugin") {
			t.Errorf("%s: volumes %s\nmounts %s\ninit containers %s", d["kind"], vols, mounts, inits)
		}
	}
}

// dig follows keys through nested maps.
func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ = m[k].(map[string]any)
	}
	return m
}

// TestValueSetsRender: each realistic value set renders what it switches on and nothing it
// switches off.
func TestValueSetsRender(t *testing.T) {
	want := map[string]map[string]int{
		"defaults": {"Deployment": 1, "CronJob": 1, "Service": 1, "ServiceMonitor": 1, "PrometheusRule": 1, "ConfigMap": nDashboards,
			"NetworkPolicy": 0, "PodDisruptionBudget": 0, "PersistentVolumeClaim": 0, "GrafanaDashboard": 0},
		"everything": {"Deployment": 1, "CronJob": 1, "ServiceMonitor": 1, "PrometheusRule": 1, "ConfigMap": nDashboards + 2, "GrafanaDashboard": nDashboards,
			"NetworkPolicy": 1, "PodDisruptionBudget": 1, "PersistentVolumeClaim": 1, "ValidatingWebhookConfiguration": 1, "ExtensionConfig": 1},
		"cronjob":       {"Deployment": 0, "Service": 0, "ServiceMonitor": 0, "PrometheusRule": 0, "ConfigMap": 0, "CronJob": 1, "ServiceAccount": 1},
		"persistence":   {"PersistentVolumeClaim": 1, "CronJob": 1},
		"networkPolicy": {"NetworkPolicy": 1},
		"indexedJob":    {"Deployment": 1, "StatefulSet": 0, "CronJob": 1, "PersistentVolumeClaim": 1},
		"statefulSet":   {"Deployment": 0, "StatefulSet": 1, "Service": 2, "PodDisruptionBudget": 1, "ServiceMonitor": 1, "NetworkPolicy": 1},
	}
	grafana := append(withMonitoring(t), "grafana.integreatly.org/v1beta1")
	for name, values := range valueSets() {
		got := kinds(renderWith(t, Options{Values: values, APIVersions: grafana}))
		for kind, n := range want[name] {
			if got[kind] != n {
				t.Errorf("%s: %d %s rendered, want %d (%v)", name, got[kind], kind, n, got)
			}
		}
	}
}

// TestValuesSchemaRejectsMistakes: values.schema.json makes Helm refuse a misspelt or
// mistyped value, naming it, instead of ignoring it silently.
func TestValuesSchemaRejectsMistakes(t *testing.T) {
	for _, c := range []struct {
		values map[string]any
		want   string
	}{
		{map[string]any{"serviceMonitr": map[string]any{"enabled": false}}, "serviceMonitr"},
		{map[string]any{"serve": map[string]any{"replcas": 2}}, "replcas"},
		{map[string]any{"serve": map[string]any{"replicas": "two"}}, "replicas"},
		{map[string]any{"networkPolicy": map[string]any{"egress": map[string]any{"apiServers": map[string]any{"cidr": []any{"10.0.0.1/32"}}}}}, "cidr"},
		{map[string]any{"networkPolicy": map[string]any{"egress": map[string]any{"apiServers": map[string]any{"cidrs": []any{"10.0.0.1"}}}}}, "cidrs"},
		{map[string]any{"report": map[string]any{"persistence": map[string]any{"enable": true}}}, "enable"},
		{map[string]any{"image": map[string]any{"digest": "latest"}}, "digest"},
		{map[string]any{"serviceAccount": map[string]any{"annotation": map[string]any{"a": "b"}}}, "annotation"},
		{map[string]any{"dashboards": map[string]any{"grafanaOperator": map[string]any{"instanceSelectors": map[string]any{}}}}, "instanceSelectors"},
	} {
		_, err := Render(chartDir, "fleetaudit", "fleetaudit", c.values)
		if err == nil || !strings.Contains(err.Error(), "schema") || !strings.Contains(err.Error(), c.want) {
			b, _ := json.Marshal(c.values)
			t.Errorf("values %s: want a schema error naming %q, got %v", b, c.want, err)
		}
	}
	for name, values := range valueSets() {
		if _, err := Render(chartDir, "fleetaudit", "fleetaudit", values); err != nil {
			t.Errorf("value set %s: %v", name, err)
		}
	}
}

// TestNetworkPolicy: locked down, fleetaudit's pods reach DNS, the API servers and
// Prometheus and nothing else, and accept connections on the metrics port from the monitoring
// namespace and the gate port; with the Cluster API hook, the one policy carries its rule too
// (a second policy would reopen the metrics port to everyone). Without API server addresses
// it refuses to render rather than cut fleetaudit off.
func TestNetworkPolicy(t *testing.T) {
	v := valueSets()["everything"]
	var np []map[string]any
	for _, d := range render(t, v) {
		if d["kind"] == "NetworkPolicy" {
			np = append(np, d)
		}
	}
	if len(np) != 1 {
		t.Fatalf("want one NetworkPolicy, got %d", len(np))
	}
	b, _ := json.Marshal(np[0]["spec"])
	for _, want := range []string{`"policyTypes":["Ingress","Egress"]`,
		`{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}}],"ports":[{"port":8080,"protocol":"TCP"}]}`,
		`{"ports":[{"port":8443,"protocol":"TCP"}]}`,
		`{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"capi-system"}}}],"ports":[{"port":9444,"protocol":"TCP"}]}`,
		`{"ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"}],"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}},"podSelector":{"matchLabels":{"k8s-app":"kube-dns"}}}]}`,
		`{"ports":[{"port":443,"protocol":"TCP"},{"port":6443,"protocol":"TCP"}],"to":[{"ipBlock":{"cidr":"10.0.0.10/32"}},{"ipBlock":{"cidr":"203.0.113.0/24"}}]}`,
		`{"ports":[{"port":9090,"protocol":"TCP"}],"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}},"podSelector":{"matchLabels":{"app.kubernetes.io/name":"prometheus"}}}]}`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("NetworkPolicy lacks %s:\n%s", want, b)
		}
	}
	var egress []any
	_ = json.Unmarshal(mustJSON(np[0]["spec"].(map[string]any)["egress"]), &egress)
	if len(egress) != 3 {
		t.Errorf("want 3 egress rules (DNS, API servers, Prometheus), got %d", len(egress))
	}
	v["networkPolicy"].(map[string]any)["egress"].(map[string]any)["apiServers"] = map[string]any{"cidrs": []any{}}
	if _, err := Render(chartDir, "fleetaudit", "fleetaudit", v); err == nil || !strings.Contains(err.Error(), "networkPolicy.egress.apiServers.cidrs") {
		t.Errorf("a NetworkPolicy without API server addresses must not render: %v", err)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestChartEcosystemDetails: what the Prometheus, Grafana and cloud-identity integrations rely
// on: honorLabels on the scrape, the sidecar label, the GrafanaDashboard shape, the
// ServiceAccount's identity annotations, a digest-pinned image, the PDB only for serve pods,
// and the report history on a kept PVC.
func TestChartEcosystemDetails(t *testing.T) {
	got := map[string]string{}
	for _, d := range renderWith(t, Options{Values: valueSets()["everything"], APIVersions: append(withMonitoring(t), "grafana.integreatly.org/v1beta1")}) {
		got[d["kind"].(string)] += string(mustJSON(d))
	}
	for kind, wants := range map[string][]string{
		"ServiceMonitor":        {`"honorLabels":true`, `"release":"kube-prometheus-stack"`, `"port":"metrics"`},
		"PrometheusRule":        {`"release":"kube-prometheus-stack"`, `"alert":"FleetauditCriticalFindings"`},
		"ConfigMap":             {`"grafana_dashboard":"1"`, `"grafana_folder":"Fleet"`},
		"GrafanaDashboard":      {`"apiVersion":"grafana.integreatly.org/v1beta1"`, `"instanceSelector":{"matchLabels":{"dashboards":"grafana"}}`, `"folder":"Fleet"`, `"json":"{`},
		"ServiceAccount":        {`"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/fleetaudit"`},
		"Deployment":            {`"image":"ghcr.io/fleetaudit/fleetaudit:0.1.0@sha256:abab`, `"replicas":2`, `"imagePullSecrets":[{"name":"regcred"}]`, `"azure.workload.identity/use":"true"`, `"app.kubernetes.io/component":"serve"`},
		"CronJob":               {`"claimName":"fleetaudit-reports"`, `"app.kubernetes.io/component":"report"`, `"priorityClassName":"system-cluster-critical"`},
		"PodDisruptionBudget":   {`"minAvailable":1`, `"app.kubernetes.io/component":"serve"`},
		"PersistentVolumeClaim": {`"helm.sh/resource-policy":"keep"`, `"storage":"5Gi"`, `"storageClassName":"standard"`},
		"Service":               {`"selector":{"app.kubernetes.io/component":"serve"`},
	} {
		for _, want := range wants {
			if !strings.Contains(got[kind], want) {
				t.Errorf("%s lacks %s", kind, want)
			}
		}
	}
	// An existing claim is used as it is; no PVC is created.
	k := kinds(render(t, map[string]any{"report": map[string]any{"persistence": map[string]any{"enabled": true, "existingClaim": "history"}}}))
	if k["PersistentVolumeClaim"] != 0 {
		t.Errorf("with an existing claim the chart must not create one")
	}
	for _, d := range render(t, map[string]any{"report": map[string]any{"persistence": map[string]any{"existingClaim": "history"}}}) {
		if d["kind"] == "CronJob" && !strings.Contains(string(mustJSON(d)), `"claimName":"history"`) {
			t.Errorf("the CronJob does not mount the existing claim")
		}
	}
}

// TestOperatorKindsFollowCapabilities: ServiceMonitor, PrometheusRule and GrafanaDashboard are
// rendered only when the cluster serves their API, or when forced; NOTES.txt then says why
// they are missing and what to do.
func TestOperatorKindsFollowCapabilities(t *testing.T) {
	grafanaOn := map[string]any{"dashboards": map[string]any{"grafanaOperator": map[string]any{"enabled": true}}}
	k := kinds(renderWith(t, Options{Values: grafanaOn}))
	if k["ServiceMonitor"]+k["PrometheusRule"]+k["GrafanaDashboard"] != 0 {
		t.Errorf("rendered operator kinds for a cluster that serves none of them: %v", k)
	}
	notes, err := Notes(chartDir, Options{Release: "fleetaudit", Namespace: "fleetaudit", Values: grafanaOn})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ServiceMonitor or PrometheusRule was created", "no GrafanaDashboard", "kubectl -n fleetaudit port-forward service/fleetaudit 8080:8080",
		"kubectl -n fleetaudit create job --from=cronjob/fleetaudit-report", "report.persistence.enabled=true"} {
		if !strings.Contains(notes, want) {
			t.Errorf("NOTES.txt lacks %q:\n%s", want, notes)
		}
	}
	forced := map[string]any{"serviceMonitor": map[string]any{"force": true}, "prometheusRule": map[string]any{"force": true},
		"dashboards": map[string]any{"grafanaOperator": map[string]any{"enabled": true, "force": true}}}
	k = kinds(renderWith(t, Options{Values: forced}))
	if k["ServiceMonitor"] != 1 || k["PrometheusRule"] != 1 || k["GrafanaDashboard"] != nDashboards {
		t.Errorf("forced operator kinds not rendered: %v", k)
	}
	notes, err = Notes(chartDir, Options{Release: "fleetaudit", Namespace: "fleetaudit", APIVersions: withMonitoring(t)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(notes, "NOTE:") {
		t.Errorf("NOTES.txt warns although the operator's API is served:\n%s", notes)
	}
}
