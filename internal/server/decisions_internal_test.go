package server

import "testing"

// TestDecisionWriters: with writers configured, only their admissions are history; without,
// every caller's are.
func TestDecisionWriters(t *testing.T) {
	l := &DecisionLog{Writers: []string{"kube-apiserver-webhook-client", "system:serviceaccount:capi-system:capi-controller-manager"}}
	for _, c := range []struct {
		caller Caller
		known  bool
		want   bool
	}{
		{Caller{Name: "kube-apiserver-webhook-client"}, true, true},
		{Caller{Name: "ci-bot", Groups: []string{"system:serviceaccount:capi-system:capi-controller-manager"}}, true, true},
		{Caller{Name: "ci-bot", Groups: []string{"system:authenticated"}}, true, false},
		{Caller{}, false, false},
	} {
		if got := l.writes(c.caller, c.known); got != c.want {
			t.Errorf("%+v (known %v): %v, want %v", c.caller, c.known, got, c.want)
		}
	}
	if !(&DecisionLog{}).writes(Caller{}, false) {
		t.Error("without writers every caller's decisions are history")
	}
}
