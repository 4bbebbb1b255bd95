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

{{- define "fleetaudit.image" -}}
{{- .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- with .Values.image.digest }}@{{ . }}{{ end }}
{{- end -}}

{{- /* fleetaudit.podLabels: the labels of a pod template: the selector and podLabels. */ -}}
{{- define "fleetaudit.podLabels" -}}
{{ include "fleetaudit.selector" . }}
{{- with .Values.podLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- /* fleetaudit.podSpecCommon: pod settings shared by serve and report. */ -}}
{{- define "fleetaudit.podSpecCommon" -}}
serviceAccountName: {{ include "fleetaudit.name" . }}
securityContext: {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- /* fleetaudit.reportClaim: the PVC of the report history, or "" for an emptyDir. */ -}}
{{- define "fleetaudit.reportClaim" -}}
{{- $p := .Values.report.persistence -}}
{{- if $p.existingClaim }}{{ $p.existingClaim }}
{{- else if .Values.report.persistentVolumeClaim }}{{ .Values.report.persistentVolumeClaim }}
{{- else if $p.enabled }}{{ include "fleetaudit.name" . }}-reports
{{- end }}
{{- end -}}

{{- /* fleetaudit.hasAPI: "true" when the cluster serves the API version .api, or .force. */ -}}
{{- define "fleetaudit.hasAPI" -}}
{{- if or .force (.root.Capabilities.APIVersions.Has .api) }}true{{ end }}
{{- end -}}

{{- define "fleetaudit.target" -}}
{{- if .Values.kubeconfig.secretName }}
- --kubeconfig=/etc/fleetaudit/kubeconfig/kubeconfig
{{- else }}
- --in-cluster
- --cluster-name={{ .Values.clusterName }}
{{- end }}
{{- end -}}

{{- /* fleetaudit.gateCallers: serve's flags for who may call the gate endpoints; fails the
render when they would be served to unauthenticated callers without saying so. */ -}}
{{- define "fleetaudit.gateCallers" -}}
{{- $s := .Values.serve -}}
{{- $tr := $s.tokenReview -}}
{{- if not (or $s.clientCASecretName $tr.inCluster $tr.context $s.allowUnauthenticatedCallers) -}}
{{- fail "serve.tlsSecretName serves the upgrade gate: set serve.clientCASecretName (client certificates) and/or serve.tokenReview.inCluster or serve.tokenReview.context (bearer tokens), or serve.allowUnauthenticatedCallers=true (unsafe)" -}}
{{- end -}}
{{- if and $s.allowUnauthenticatedCallers (or $s.clientCASecretName $tr.inCluster $tr.context) -}}
{{- fail "serve.allowUnauthenticatedCallers contradicts serve.clientCASecretName and serve.tokenReview" -}}
{{- end -}}
{{- if and $s.allowUnauthenticatedCallers $s.allowedCallers -}}
{{- fail "serve.allowUnauthenticatedCallers contradicts serve.allowedCallers: an unauthenticated caller has no name to allow" -}}
{{- end -}}
{{- if and $tr.inCluster $tr.context -}}
{{- fail "serve.tokenReview: set inCluster or context, not both" -}}
{{- end -}}
{{- if and $tr.context (not .Values.kubeconfig.secretName) -}}
{{- fail "serve.tokenReview.context names a context of the kubeconfig Secret: set kubeconfig.secretName (or use serve.tokenReview.inCluster)" -}}
{{- end -}}
{{- if $s.clientCASecretName }}
- --client-ca=/etc/fleetaudit/client-ca/ca.crt
{{- end }}
{{- if $tr.inCluster }}
- --token-review-in-cluster
{{- end }}
{{- with $tr.context }}
- --token-review-context={{ . }}
{{- end }}
{{- range $tr.audiences }}
- --token-review-audience={{ . }}
{{- end }}
{{- range $s.allowedCallers }}
- --gate-allow={{ . }}
{{- end }}
{{- if $s.allowUnauthenticatedCallers }}
- --allow-unauthenticated-callers
{{- end }}
{{- end -}}
