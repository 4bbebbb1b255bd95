{{- define "fleetaudit.name" -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- end -}}

{{- define "fleetaudit.labels" -}}
app.kubernetes.io/name: fleetaudit
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "fleetaudit.selector" -}}
app.kubernetes.io/name: fleetaudit
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fleetaudit.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}{{- end -}}

{{- define "fleetaudit.target" -}}
{{- if .Values.kubeconfig.secretName }}
- --kubeconfig=/etc/fleetaudit/kubeconfig/kubeconfig
{{- else }}
- --in-cluster
- --cluster-name={{ .Values.clusterName }}
{{- end }}
{{- end -}}
