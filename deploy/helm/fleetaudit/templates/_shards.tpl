{{- /* fleetaudit.serveShards: serve.shards as an int (1 when unset). */ -}}
{{- define "fleetaudit.serveShards" -}}
{{- int (default 1 .Values.serve.shards) -}}
{{- end -}}

{{- /* fleetaudit.reportShards: report.shards as an int (1 when unset). */ -}}
{{- define "fleetaudit.reportShards" -}}
{{- int (default 1 .Values.report.shards) -}}
{{- end -}}

{{- /* fleetaudit.checkReportShards fails the render for a sharded report that cannot work:
its parts are files that every pod of the Job, on any node, must see. */ -}}
{{- define "fleetaudit.checkReportShards" -}}
{{- $n := int (include "fleetaudit.reportShards" .) -}}
{{- if and (gt $n 1) (not (include "fleetaudit.reportClaim" .)) -}}
{{- fail (printf "report.shards=%d needs the report history on a volume that every shard pod mounts: set report.persistence.enabled=true (accessModes [ReadWriteMany] when the pods may run on different nodes) or report.persistence.existingClaim" $n) -}}
{{- end -}}
{{- $p := int (default $n .Values.report.parallelism) -}}
{{- if and (gt $n 1) (lt $p 2) -}}
{{- fail (printf "report.parallelism=%d with report.shards=%d: the pod of index 0 waits for the other parts, so at least 2 pods must run at once" $p $n) -}}
{{- end -}}
{{- end -}}

{{- /* fleetaudit.reportShardScript: what each pod of the Indexed Job runs (in busybox's sh,
copied in by an init container: the fleetaudit image has no shell). Every pod audits its
shard into /reports/parts/<Job uid>/part-<index>.json (written to a temporary name, then
renamed: a part is whole or absent; a retried pod replaces its own part). The pod of
index 0 then waits, at most report.mergeTimeoutSeconds, for every part and merges those
present into the history; a shard still missing is named in the report and merge exits 3.
Its exit code is kept beside the parts, so a retried pod 0 does not write the report twice. */ -}}
{{- define "fleetaudit.reportShardScript" -}}
{{- $n := int (include "fleetaudit.reportShards" .) -}}
{{- $audit := list "/usr/local/bin/fleetaudit" "audit" -}}
{{- range (include "fleetaudit.target" . | fromYamlArray) }}{{ $audit = append $audit . }}{{ end -}}
{{- $audit = concat $audit (list (printf "--shards=%d" $n) "-o" "json" "--log-format=json") -}}
{{- $merge := list "/usr/local/bin/fleetaudit" "merge" "--output-dir=/reports" (printf "--keep-for=%s" .Values.report.keepFor) "--log-format=json" -}}
set -u
B=/shell/busybox
i=$JOB_COMPLETION_INDEX
if [ -z "$RUN_ID" ]; then echo "no Job uid (label batch.kubernetes.io/controller-uid): Kubernetes 1.27 or newer is needed" >&2; exit 2; fi
dir=/reports/parts/$RUN_ID
$B mkdir -p "$dir" || exit 2
if [ -f "$dir/merged" ]; then echo "run $RUN_ID was merged already" >&2; exit "$($B cat "$dir/merged")"; fi
{{ range $audit }}{{ squote . }} {{ end }}>"$dir/.part-$i.json.tmp"
rc=$?
# 0: clean; 3: some cluster could not be audited, which the part records. Anything else:
# no part; the pod fails and Kubernetes retries it.
if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then exit $rc; fi
$B mv "$dir/.part-$i.json.tmp" "$dir/part-$i.json" || exit 2
if [ "$i" != 0 ]; then exit 0; fi
end=$(( $($B date +%s) + {{ int .Values.report.mergeTimeoutSeconds }} ))
while :; do
  parts="" missing=""
  k=0
  while [ $k -lt {{ $n }} ]; do
    if [ -f "$dir/part-$k.json" ]; then parts="$parts $dir/part-$k.json"; else missing="$missing $k"; fi
    k=$((k+1))
  done
  if [ -z "$missing" ] || [ "$($B date +%s)" -ge $end ]; then break; fi
  $B sleep 10
done
if [ -n "$missing" ]; then echo "merging without the parts of shards$missing: they did not arrive within {{ int .Values.report.mergeTimeoutSeconds }}s" >&2; fi
{{ range $merge }}{{ squote . }} {{ end }}$parts
rc=$?
echo $rc >"$dir/merged"
# Parts of runs older than a week are removed (a late part can be merged by hand until then).
$B find /reports/parts -mindepth 1 -maxdepth 1 -type d -mtime +7 -exec $B rm -rf {} \;
exit $rc
{{- end -}}
