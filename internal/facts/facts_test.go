package facts

import "testing"

func TestParseVersion(t *testing.T) {
	for in, want := range map[string][3]int{
		"v1.34.4": {1, 34, 4}, "v1.30.2-eks-1234": {1, 30, 2}, "1.29": {1, 29, 0}, "v1.33.5-gke.1163000": {1, 33, 5},
		"v1.34.4-eks-1234abc": {1, 34, 4}, "v1.33.2-gke.1000": {1, 33, 2}, "v1.32.0+k3s1": {1, 32, 0},
		"v1.30.4-aks-20240801": {1, 30, 4}, "v1.35.0-rc.1": {1, 35, 0}, "v1.31.3-dirty": {1, 31, 3},
	} {
		v, err := ParseVersion(in)
		if err != nil || [3]int{v.Major, v.Minor, v.Patch} != want || v.GitVersion != in {
			t.Errorf("ParseVersion(%q) = %+v, %v", in, v, err)
		}
	}
	for _, bad := range []string{"", "latest", "v1", "vv1.2.3", "01.2.3", "v1.99999999999.0", "v99999999999999999999.1"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) should fail", bad)
		}
	}
}

func TestStatus(t *testing.T) {
	ok := CollectorRun{Collector: "cluster"}
	badID := CollectorRun{Collector: "cluster", Error: "refused", Reason: "unreachable"}
	badOther := CollectorRun{Collector: "rbac", Error: "forbidden", Reason: "forbidden"}
	for _, tc := range []struct {
		runs []CollectorRun
		want Status
	}{
		{[]CollectorRun{ok}, StatusOK},
		{[]CollectorRun{ok, badOther}, StatusPartial},
		{[]CollectorRun{badID}, StatusFailed},
		{nil, StatusFailed},
	} {
		c := Cluster{Collection: tc.runs}
		if got := c.Status(); got != tc.want {
			t.Errorf("Status(%+v) = %s, want %s", tc.runs, got, tc.want)
		}
	}
	c := Cluster{Collection: []CollectorRun{ok, badOther}}
	if got := c.Problem(); got != "rbac: forbidden: forbidden" {
		t.Errorf("Problem() = %q", got)
	}
}

func TestValidate(t *testing.T) {
	if err := (&Cluster{SchemaVersion: "v0", Name: "a"}).Validate(); err == nil {
		t.Error("foreign schemaVersion accepted")
	}
	if err := (&Cluster{SchemaVersion: SchemaVersion}).Validate(); err == nil {
		t.Error("empty name accepted")
	}
	if err := (&Cluster{SchemaVersion: SchemaVersion, Name: "a"}).Validate(); err != nil {
		t.Error(err)
	}
}
