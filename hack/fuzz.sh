#!/usr/bin/env bash
# Runs every fuzz target for a budget of executions worth about 10 seconds each on a 2-core
# machine (FUZZTIME, e.g. 1m, overrides it for all). Counts, not time: on Go 1.26 a time budget
# can fail spuriously under CPU contention (golang/go#75804). The seed corpora under
# testdata/fuzz also run in every plain `go test`. A failure that saved a crashing input fails at once; a failure
# that saved none (a fuzz worker that did not answer in time on a loaded machine) is retried
# once, so CI is not red for the machine's sake, and is said.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-}
targets=(
	./internal/facts:FuzzDecode:100000x
	./internal/facts:FuzzParseVersion:200000x
	./internal/profile:FuzzRange:60000x
	./internal/profile:FuzzParse:8000x
	./internal/pricing:FuzzParse:100000x
	./collectors:FuzzParseKubeBenchJSON:15000x
	./collectors:FuzzDecodeHelmRelease:10000x
	./collectors:FuzzParseBundle:120000x
	./internal/server:FuzzAdmissionReview:20000x
	./internal/server:FuzzHookRequest:6000x
	./internal/server:FuzzGateRequest:6000x
)
for t in "${targets[@]}"; do
	IFS=: read -r pkg fn budget <<<"$t"
	budget=${FUZZTIME:-$budget}
	for attempt in 1 2; do
		before=$(find "$pkg/testdata/fuzz/$fn" -type f 2>/dev/null | wc -l)
		echo "fuzz: $fn in $pkg for $budget (attempt $attempt)"
		if "$GO" test -run '^$' -fuzz "^${fn}\$" -fuzztime "$budget" -parallel 2 "$pkg"; then
			break
		fi
		after=$(find "$pkg/testdata/fuzz/$fn" -type f 2>/dev/null | wc -l)
		if [ "$after" -gt "$before" ] || [ "$attempt" = 2 ]; then
			echo "fuzz: $fn failed; a crashing input, if any, is in $pkg/testdata/fuzz/$fn: run go test -run $fn $pkg" >&2
			exit 1
		fi
		echo "fuzz: $fn failed without a crashing input (a worker timed out?); retrying once" >&2
	done
done
