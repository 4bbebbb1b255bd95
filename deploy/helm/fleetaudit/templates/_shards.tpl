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
