{{/* The release's resource name, as deployment-charts' base.name.release. */}}
{{- define "base.name.release" -}}
{{- printf "%s-%s" .Chart.Name .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The image reference: registry/image:version, every part required. */}}
{{- define "app.image" -}}
{{- $registry := required "docker.registry is required" .Values.docker.registry -}}
{{- $image := required "main_app.image is required" .Values.main_app.image -}}
{{- $version := required "main_app.version is required" .Values.main_app.version -}}
{{- printf "%s/%s:%s" $registry $image (toString $version) -}}
{{- end -}}

{{- define "app.labels" -}}
app: {{ .Chart.Name }}
chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
release: {{ .Release.Name }}
heritage: {{ .Release.Service }}
{{- end -}}
