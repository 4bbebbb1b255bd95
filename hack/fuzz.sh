#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME (default 10s). The seed corpora under testdata/fuzz also
# run in every plain `go test`. A failure that saved a crashing input fails at once; a failure
# that saved none (a fuzz worker that did not answer in time on a loaded machine) is retried
# once, so CI is not red for the machine's sake, and is said.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}
targets=(
	./internal/facts:FuzzDecode
	./internal/profile:FuzzParse
	./internal/pricing:FuzzParse
	./collectors:FuzzParseKubeBenchJSON
	./collectors:FuzzDecodeHelmRelease
	./internal/server:FuzzAdmissionReview
	./internal/server:FuzzHookRequest
	./internal/server:FuzzGateRequest
)
for t in "${targets[@]}"; do
	pkg=${t%%:*} fn=${t##*:}
	for attempt in 1 2; do
		before=$(find "$pkg/testdata/fuzz/$fn" -type f 2>/dev/null | wc -l)
		echo "fuzz: $fn in $pkg for $FUZZTIME (attempt $attempt)"
		if "$GO" test -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" -parallel 2 "$pkg"; then
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
