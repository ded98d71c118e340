{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "petstore-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, or <release>-<chart> unless the release name already contains the chart name. */}}
{{- define "petstore-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels on every object of the release, without the component. */}}
{{- define "petstore-operator.releaseLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "petstore-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: petstore
{{- end }}

{{/* Labels on the operator's objects; selector labels are the subset that never changes between upgrades. */}}
{{- define "petstore-operator.labels" -}}
{{ include "petstore-operator.releaseLabels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "petstore-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "petstore-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "petstore-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "petstore-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator image: repository@digest when a digest is given, else repository:tag (default appVersion). */}}
{{- define "petstore-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* rds.parameterGroups as the operator reads it: "17=group-a,16=group-b" (sorted by version). */}}
{{- define "petstore-operator.parameterGroups" -}}
{{- $pairs := list }}
{{- range $major, $group := . }}
{{- $pairs = append $pairs (printf "%s=%s" $major $group) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/* Namespace of the `helm test` PetStore. */}}
{{- define "petstore-operator.testNamespace" -}}
{{- .Values.tests.namespace | default (first .Values.watchNamespaces) | default .Release.Namespace }}
{{- end }}

{{/* The fields every `helm test` step shares: a kubectl image, restricted security context, the PetStore manifest. */}}
{{- define "petstore-operator.testContainer" -}}
image: {{ printf "%s:%s" .Values.tests.image.repository .Values.tests.image.tag }}
imagePullPolicy: {{ .Values.tests.image.pullPolicy }}
env:
  # kubectl keeps its discovery cache under $HOME; the root filesystem is read-only.
  - name: HOME
    value: /tmp
resources:
  requests:
    cpu: 10m
    memory: 32Mi
  limits:
    cpu: 200m
    memory: 128Mi
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  capabilities:
    drop: [ALL]
volumeMounts:
  - name: petstore
    mountPath: /etc/petstore-test
    readOnly: true
  - name: tmp
    mountPath: /tmp
{{- end }}

{{/*
NODE_OPTIONS of the operator container: V8's old space at half of resources.limits.memory. By itself V8 sizes its heap
from the limit but never below 256 MiB, so under a 128Mi limit the kernel would kill the process before V8 collects;
the other half is for what is not old space (the young generation, code, Node.js and its buffers, and the pages of
node's own code, which count against the container's limit). One V8 worker thread: the container has one CPU. Empty
without a memory limit, or when extraEnv sets NODE_OPTIONS (which then wins).
*/}}
{{- define "petstore-operator.nodeOptions" -}}
{{- $own := true }}
{{- range .Values.extraEnv }}
{{- if eq .name "NODE_OPTIONS" }}{{ $own = false }}{{ end }}
{{- end }}
{{- $limit := toString (dig "limits" "memory" "" .Values.resources) }}
{{- $mib := 0 }}
{{- if not $own }}
{{- else if regexMatch "^[0-9]+Gi$" $limit }}
{{- $mib = mul (trimSuffix "Gi" $limit | int64) 1024 }}
{{- else if regexMatch "^[0-9]+Mi$" $limit }}
{{- $mib = trimSuffix "Mi" $limit | int64 }}
{{- else if regexMatch "^[0-9]+G$" $limit }}
{{- $mib = div (mul (trimSuffix "G" $limit | int64) 1000000000) 1048576 }}
{{- else if regexMatch "^[0-9]+M$" $limit }}
{{- $mib = div (mul (trimSuffix "M" $limit | int64) 1000000) 1048576 }}
{{- else if regexMatch "^[0-9]+$" $limit }}
{{- $mib = div ($limit | int64) 1048576 }}
{{- else if $limit }}
{{- fail (printf "resources.limits.memory %q: write it in Mi, Gi, M, G or bytes, or size the heap with extraEnv NODE_OPTIONS (--max-old-space-size=<MiB>)" $limit) }}
{{- end }}
{{- if gt (int64 $mib) 0 }}
{{- printf "--max-old-space-size=%d --v8-pool-size=1" (div $mib 2) }}
{{- end }}
{{- end }}
