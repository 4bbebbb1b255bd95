package collectors

import "testing"

func TestParseDeprecatedAPIMetricOnlyReadsItsFamily(t *testing.T) {
	raw := []byte(`# HELP apiserver_request_total Counter of apiserver requests.
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",resource="pods",verb="LIST"} 42
# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested.
# TYPE apiserver_requested_deprecated_apis gauge
apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.32",resource="flowschemas",subresource="",version="v1beta3"} 1
apiserver_requested_deprecated_apis{group="example.fleetaudit.io",removed_release="",resource="widgets",subresource="",version="v1beta1"} 1
# HELP apiserver_requested_deprecated_apis_other not us
# TYPE apiserver_requested_deprecated_apis_other gauge
apiserver_requested_deprecated_apis_other{group="x"} 1
`)
	got, err := ParseDeprecatedAPIMetric(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Group != "example.fleetaudit.io" || got[1].RemovedRelease != "1.32" || got[1].Resource != "flowschemas" {
		t.Errorf("got %+v", got)
	}
}
