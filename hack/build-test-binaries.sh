#!/usr/bin/env bash
# build-test-binaries.sh builds the real parts the integration tests run, once, into a
# git-ignored cache folder (default: .cache/bin at the repository root):
#
#   kube-apiserver  built from the k8s.io/kubernetes module through the Go module proxy,
#                   version-stamped so it reports the pinned version (not v0.0.0-master)
#   etcd            Debian's etcd-server package (installed with apt-get if missing)
#   kube-bench      the kube-bench command line at the version go.mod pins
#
# It is idempotent: a binary that already reports the pinned version is reused.
# Override the folder with FLEETAUDIT_BIN_DIR and the Kubernetes version with KUBE_VERSION.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin_dir=${FLEETAUDIT_BIN_DIR:-$root/.cache/bin}
kube_version=${KUBE_VERSION:-v1.34.4}
mkdir -p "$bin_dir"

log() { printf 'hack: %s\n' "$*" >&2; }

install_etcd() {
	if command -v etcd >/dev/null 2>&1 || [ -x /usr/bin/etcd ]; then
		log "etcd present: $(etcd --version 2>/dev/null | head -n1)"
	else
		log "installing Debian etcd-server"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq etcd-server >/dev/null
	fi
	# Debian's package starts an etcd service on the default ports; the tests start their own.
	if command -v systemctl >/dev/null 2>&1; then systemctl stop etcd >/dev/null 2>&1 || true; fi
	ln -sf "$(command -v etcd)" "$bin_dir/etcd"
}

build_kube_apiserver() {
	local out=$bin_dir/kube-apiserver
	if [ -x "$out" ] && "$out" --version 2>/dev/null | grep -qx "Kubernetes $kube_version"; then
		log "kube-apiserver $kube_version already built at $out"
		return
	fi
	local minor=${kube_version#v1.}; minor=${minor%%.*}
	local staging="v0.${kube_version#v1.}"
	local work; work=$(mktemp -d)
	trap 'rm -rf "$work"' RETURN
	log "building kube-apiserver $kube_version (cold: about 10 minutes)"
	(
		cd "$work"
		go mod init fleetaudit.local/kube-apiserver-build >/dev/null 2>&1
		go mod edit -go=1.24
		gomod=$(go mod download -json "k8s.io/kubernetes@$kube_version" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')
		[ -f "$gomod" ] || { log "cannot find go.mod of k8s.io/kubernetes@$kube_version"; exit 1; }
		go mod edit -require="k8s.io/kubernetes@$kube_version"
		# Each staging module is replaced by a path inside the kubernetes repository; outside it
		# they resolve to their published v0.X.Y versions.
		sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod" | while read -r m; do
			go mod edit -replace="$m=$m@$staging"
		done
		cat > main.go <<'GO'
package main

import _ "k8s.io/kubernetes/cmd/kube-apiserver/app"

func main() {}
GO
		go mod tidy >/dev/null 2>&1 || go mod tidy
		rm main.go
		ldflags="-s -w"
		for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
			ldflags="$ldflags -X $p.gitVersion=$kube_version -X $p.gitMajor=1 -X $p.gitMinor=$minor"
			ldflags="$ldflags -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
		done
		CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out.tmp" k8s.io/kubernetes/cmd/kube-apiserver
	)
	mv "$out.tmp" "$out"
	log "built $("$out" --version)"
}

build_kube_bench() {
	local out=$bin_dir/kube-bench
	local v; v=$(cd "$root" && go list -m -f '{{.Version}}' github.com/aquasecurity/kube-bench 2>/dev/null || true)
	[ -n "$v" ] || { log "go.mod does not require kube-bench; skipping its CLI"; return; }
	if [ -x "$out" ] && [ -f "$out.version" ] && [ "$(cat "$out.version")" = "$v" ]; then
		log "kube-bench $v already built at $out"
		return
	fi
	log "building kube-bench $v"
	# `go install pkg@version` asks the proxy for the module's version list, which it refuses
	# for kube-bench; a throwaway module that pins the version builds it with its own deps.
	local work; work=$(mktemp -d)
	trap 'rm -rf "$work"' RETURN
	(
		cd "$work"
		go mod init fleetaudit.local/kube-bench-build >/dev/null 2>&1
		go mod edit -require="github.com/aquasecurity/kube-bench@$v"
		printf 'package main\n\nimport _ "github.com/aquasecurity/kube-bench/cmd"\n\nfunc main() {}\n' > main.go
		go mod tidy >/dev/null 2>&1 || go mod tidy
		rm main.go
		go build -trimpath -ldflags "-s -w -X github.com/aquasecurity/kube-bench/cmd.KubeBenchVersion=$v" \
			-o "$out.tmp" github.com/aquasecurity/kube-bench
	)
	mv "$out.tmp" "$out"
	echo "$v" > "$out.version"
}

install_etcd
build_kube_apiserver
build_kube_bench
log "binaries in $bin_dir: $(ls "$bin_dir" | tr '\n' ' ')"
