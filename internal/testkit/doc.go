// Package testkit groups the helpers that only tests, benchmarks and hack/ tools use, so the
// production packages stand apart: testcluster starts real kube-apiserver + etcd pairs,
// testprom a real Prometheus, and synth writes synthetic fleets. Nothing under it is
// imported by the fleetaudit binary.
package testkit
