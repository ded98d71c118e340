// Generated from crds/petstore.example.com_petstores.yaml by scripts/generate.ts. Do not edit: edit the CRD and run `node scripts/generate.ts`.

/**
 * The desired Pet Store.
 */
export interface PetStoreSpec {
  /**
   * Container image of the Pet Store API, e.g. 123456789012.dkr.ecr.us-west-2.amazonaws.com/petstore-api:1.4.0. Defaults to the operator's configured API image.
   */
  image?: string;
  /**
   * Number of API pods when autoscaling is off; also the scale subresource (kubectl scale). When unset, a running Deployment keeps its count (so turning autoscaling off keeps the pods the autoscaler last asked for), and a new one gets 2 for external and rds databases, 1 for sqlite (which allows exactly 1). With autoscaling, a new Deployment starts at autoscaling.minReplicas.
   */
  replicas?: number;
  /**
   * Scale the API on CPU with a HorizontalPodAutoscaler (autoscaling/v2): up by 2 pods per 60 s, down by 1 pod per 300 s once the load has stayed low for the stabilization window. Remove the field to turn autoscaling off; spec.replicas applies then.
   */
  autoscaling?: {
    /**
     * Lower bound of the autoscaler.
     */
    minReplicas?: number;
    /**
     * Upper bound of the autoscaler.
     */
    maxReplicas?: number;
    /**
     * Average CPU utilization, in percent of the CPU request, that the autoscaler aims for.
     */
    targetCPUUtilizationPercentage?: number;
    /**
     * How long the load must stay low before the autoscaler removes a pod (its scale-down stabilization window). Shorter follows a drop in load sooner and risks removing pods a returning load needs again.
     */
    scaleDownStabilizationWindowSeconds?: number;
  };
  /**
   * Compute resources of each API container. Keys left out take the defaults (requests 250m CPU, 256Mi memory, 1Gi ephemeral storage; limits 500m CPU, 512Mi memory, 1Gi ephemeral storage).
   */
  resources?: {
    /**
     * Minimum resources each pod is scheduled with (cpu, memory, ephemeral-storage).
     */
    requests?: {
      [k: string]: number | string | undefined;
    };
    /**
     * Maximum resources each pod may use (cpu, memory, ephemeral-storage).
     */
    limits?: {
      [k: string]: number | string | undefined;
    };
  };
  /**
   * Application configuration, delivered to the pods through a ConfigMap; pods roll when it changes.
   */
  config?: {
    /**
     * Deployment environment (ENVIRONMENT). production requires TLS on the ingress and turns on Multi-AZ and deletion protection for RDS databases.
     */
    environment?: 'development' | 'staging' | 'production';
    /**
     * Log level of the API (LOG_LEVEL). The upper-case spellings of the requirements (INFO, DEBUG, WARNING, CRITICAL, ...) are accepted and normalised to the lower-case level the API reads.
     */
    logLevel?:
      | 'trace'
      | 'debug'
      | 'info'
      | 'warn'
      | 'error'
      | 'fatal'
      | 'TRACE'
      | 'DEBUG'
      | 'INFO'
      | 'WARN'
      | 'WARNING'
      | 'ERROR'
      | 'FATAL'
      | 'CRITICAL';
    /**
     * Default and maximum page size of list endpoints (PAGINATION_LIMIT).
     */
    paginationLimit?: number;
    /**
     * Origins allowed to call the API from a browser (CORS_ORIGINS), e.g. https://shop.example.com.
     *
     * @maxItems 32
     */
    corsOrigins?: string[];
  };
  /**
   * Where the API keeps its data. The engine cannot be changed after creation.
   */
  database?: {
    /**
     * sqlite: a file in the pod, for development (one replica, data lost when the pod goes). external: a PostgreSQL server you run, named by a Secret. rds: an AWS RDS PostgreSQL instance the operator creates and whose credentials it keeps in sync.
     */
    engine?: 'sqlite' | 'external' | 'rds';
    /**
     * The PostgreSQL server to use when engine is external.
     */
    external?: {
      /**
       * Name of a Secret in the PetStore's namespace that holds the connection URL.
       */
      secretName: string;
      /**
       * Key in that Secret whose value is a postgres:// or postgresql:// URL.
       */
      key?: string;
    };
    /**
     * Settings of the AWS RDS PostgreSQL instance when engine is rds.
     */
    rds?: {
      /**
       * RDS instance class; changed in place by the operator.
       */
      instanceClass?: string;
      /**
       * PostgreSQL major or major.minor version; defaults to the operator's current version.
       */
      engineVersion?: string;
      /**
       * Storage in GiB (gp3). It can grow but never shrink.
       */
      allocatedStorage?: number;
      /**
       * Ceiling in GiB for RDS storage autoscaling; unset turns storage autoscaling off.
       */
      maxAllocatedStorage?: number;
      /**
       * Days RDS keeps automated daily backups.
       */
      backupRetentionDays?: number;
      /**
       * Run a standby in another availability zone; defaults to true in production, false otherwise.
       */
      multiAZ?: boolean;
      /**
       * What happens to the instance when the PetStore is deleted. Snapshot: a final snapshot, then delete. Delete: delete without snapshot. Retain: keep the instance, tagged as released.
       */
      deletionPolicy?: 'Snapshot' | 'Delete' | 'Retain';
      /**
       * Adopt this existing instance instead of creating one. Adopted only when its tags show this PetStore owns it, or when adopt is true and an administrator granted it (docs/rds.md, Adoption).
       */
      instanceIdentifier?: string;
      /**
       * Take a PetStoreBackup (a manual DB snapshot) every intervalHours and keep the newest keep of them; older scheduled ones are deleted with their snapshots. Backups you create yourself are never deleted by the schedule, and deleting the PetStore deletes none. Remove the field to stop the schedule (its backups stay).
       */
      backupSchedule?: {
        /**
         * Hours between two scheduled backups; the first is taken once the database is ready.
         */
        intervalHours?: number;
        /**
         * How many scheduled backups to keep.
         */
        keep?: number;
      };
      /**
       * Create the instance from a backup instead of empty: a DB snapshot, or a point in time of another instance's automated backups. The source must belong to a PetStore of this namespace in this cluster (its tags say so), or an administrator of the AWS account granted it with the tag petstore.example.com/restorable-by=<cluster>/<namespace>/<name> (docs/rds.md, Restore). Used only when the operator creates the instance; set at creation, never changed.
       */
      restoreFrom?: {
        /**
         * A DB snapshot in the operator's region: a manual one (a PetStoreBackup's, a final snapshot) or an automated one (rds:...).
         */
        snapshotIdentifier?: string;
        /**
         * A point in time of an existing instance, from its automated backups.
         */
        pointInTime?: {
          /**
           * The instance whose backups are restored (it must still exist).
           */
          sourceInstanceIdentifier: string;
          /**
           * The moment to restore to, e.g. 2026-12-01T03:00:00Z; unset restores the latest restorable time (usually within the last 5 minutes).
           */
          time?: string;
        };
      };
      /**
       * Take over instanceIdentifier even though its tags do not name this PetStore. Only works when the AWS account owner tagged the instance petstore.example.com/adoptable-by=<cluster>/<namespace>/<name>; an adopted instance is never shrunk, downgraded or unprotected.
       */
      adopt?: boolean;
    };
  };
  /**
   * Expose the API through an AWS Application Load Balancer. Remove the field to stop exposing it.
   */
  ingress?: {
    /**
     * DNS name the API is served on, e.g. shop.example.com.
     */
    host: string;
    /**
     * IngressClass that serves it.
     */
    className?: string;
    /**
     * Whether the load balancer is reachable from the internet or only inside the VPC. An internet-facing load balancer serves HTTPS only (HTTP redirects to it) in every environment; an internal one serves HTTP unless tls is set.
     */
    scheme?: 'internet-facing' | 'internal';
    /**
     * Path prefix routed to the API.
     */
    path?: string;
    /**
     * Serve HTTPS with this ACM certificate and redirect HTTP to it. Required in production. Without it, an internet-facing load balancer still serves HTTPS only, with the ACM certificate the AWS Load Balancer Controller finds for host.
     */
    tls?: {
      /**
       * ARN of the ACM certificate for host.
       */
      certificateArn: string;
    };
  };
  /**
   * Traffic rules for the API pods: everything is denied except inbound to port 8080 from allowedCIDRs and outbound DNS and database traffic.
   */
  networkPolicy?: {
    /**
     * Create the NetworkPolicy.
     */
    enabled?: boolean;
    /**
     * Networks allowed to reach the API (the load balancer's subnets). Defaults to the operator's configured list. Each must be a /16 or narrower (IPv6: /56 or narrower), so no PetStore can open its pods to the internet.
     *
     * @maxItems 32
     */
    allowedCIDRs?: string[];
    /**
     * Networks the pods may reach on the database port (5432) for external and rds databases. Defaults to the operator's configured list. Each must be a /16 or narrower (IPv6: /56 or narrower).
     *
     * @maxItems 32
     */
    databaseCIDRs?: string[];
  };
  /**
   * The API's per-client rate limit (RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW_SECONDS). A client is its API key, else its address; beyond the limit the API answers 429 with Retry-After. Each replica counts on its own, so a client may get up to this many requests times the number of pods.
   */
  rateLimit?: {
    /**
     * Requests one client may send per window; 0 turns the limit off.
     */
    requests?: number;
    /**
     * The length of the window, in seconds.
     */
    windowSeconds?: number;
    /**
     * Networks whose X-Forwarded-For the API believes when it names the client's address (the load balancer's subnets). Defaults to networkPolicy.allowedCIDRs (or the operator's list) when spec.ingress is set, and to none without an Ingress. A network listed here can make its clients appear as any address, so list only the load balancer's.
     *
     * @maxItems 32
     */
    trustedProxyCIDRs?: string[];
  };
  /**
   * Namespace ResourceQuota and LimitRange. Quotas are namespace-wide: the operator keeps one of each per namespace, sized for the sum of the PetStores in it.
   */
  quota?: {
    /**
     * Count this PetStore into the namespace quota (the quota exists while any PetStore enables it).
     */
    enabled?: boolean;
  };
  /**
   * Prometheus monitoring of the API pods: a ServiceMonitor for their /metrics, a PrometheusRule with the alerts below plus recording rules (request rate, error ratio, p95 latency), and a Grafana dashboard ConfigMap (label grafana_dashboard=1). Needs the Prometheus Operator's monitoring.coreos.com CRDs; without them nothing is created and status.monitoring says so.
   */
  monitoring?: {
    /**
     * Create the ServiceMonitor, PrometheusRule and dashboard. Unset means on whenever the cluster has the monitoring.coreos.com CRDs (also when they are installed later); false turns it off.
     */
    enabled?: boolean;
    /**
     * Thresholds of the PrometheusRule's alerts; each alert names this PetStore and links its runbook section.
     */
    alerts?: {
      /**
       * PetStoreHighErrorRate fires when more than this percentage of requests get a 5xx answer for 5 minutes.
       */
      errorRatePercent?: number;
      /**
       * PetStoreHighLatency fires when the 95th percentile of request duration is above this for 5 minutes.
       */
      latencyP95Milliseconds?: number;
      /**
       * PetStoreHighCPU fires when a pod uses more than this percentage of its CPU limit for 5 minutes.
       */
      cpuPercent?: number;
      /**
       * PetStoreHighMemory fires when a pod uses more than this percentage of its memory limit for 5 minutes.
       */
      memoryPercent?: number;
      /**
       * PetStorePodRestarts fires when a pod's API container restarted at least this many times within 15 minutes.
       */
      podRestarts?: number;
    };
  };
  /**
   * How a new release (a change of image or configuration) is rolled out. A release that does not become healthy within timeout (pods crash-looping, failing readiness or image pulls, or the Deployment's progress deadline exceeded) is rolled back to the last healthy pod template; the PetStore keeps the failed spec and rolls forward when the spec changes again.
   */
  rollout?: {
    /**
     * How long a release may take to become healthy, as a duration such as 90s, 5m or 1h (30s to 24h).
     */
    timeout?: string;
    /**
     * Put the last healthy pod template back when a release fails; false only reports the failure.
     */
    automaticRollback?: boolean;
  };
  /**
   * The pods' ServiceAccount.
   */
  serviceAccount?: {
    /**
     * Annotations, e.g. eks.amazonaws.com/role-arn for IRSA (EKS Pod Identity needs none).
     */
    annotations?: {
      [k: string]: string | undefined;
    };
  };
  /**
   * Ownership tags put on AWS resources (load balancer, database) with Environment and Application.
   */
  tags?: {
    /**
     * Owner tag, the team name.
     */
    owner?: string;
    /**
     * Cost-Center tag.
     */
    costCenter?: string;
  };
}

/**
 * What the operator observed. Written only by the operator.
 */
export interface PetStoreStatus {
  /**
   * The metadata.generation this status describes.
   */
  observedGeneration?: number;
  /**
   * Ready (kubectl wait), the kstatus pair Reconciling and Stalled, Degraded, and DatabaseReady; Ready carries the first thing that is wrong. docs/operator.md says what each means.
   *
   * Items: One aspect of the PetStore's state (metav1.Condition).
   */
  conditions?: {
    /**
     * Type of condition in CamelCase.
     */
    type: string;
    /**
     * Status of the condition.
     */
    status: 'True' | 'False' | 'Unknown';
    /**
     * The metadata.generation the condition was set for.
     */
    observedGeneration?: number;
    /**
     * Last time the condition changed status.
     */
    lastTransitionTime: string;
    /**
     * Machine-readable CamelCase reason for the last transition.
     */
    reason: string;
    /**
     * Human-readable details.
     */
    message: string;
  }[];
  /**
   * Pods of the current Deployment (scale subresource).
   */
  replicas?: number;
  /**
   * Pods ready to serve.
   */
  readyReplicas?: number;
  /**
   * readyReplicas/replicas, for kubectl get.
   */
  replicasSummary?: string;
  /**
   * Label selector of the API pods (scale subresource, used by autoscalers).
   */
  selector?: string;
  /**
   * Where the API is served, e.g. https://shop.example.com/api/v1.
   */
  url?: string;
  /**
   * The database in use; never holds credentials.
   */
  database?: {
    /**
     * sqlite, external or rds.
     */
    engine?: string;
    /**
     * Host and port of the database server.
     */
    endpoint?: string;
    /**
     * Secret that holds the connection details (DATABASE_URL, DB_USER, DB_PASSWORD, host, port, dbname).
     */
    secretName?: string;
    /**
     * The RDS instance identifier, for rds.
     */
    instanceIdentifier?: string;
    /**
     * What the RDS instance was restored from (snapshot <id>, or <instance> at <time|latest>), as its petstore.example.com/restored-from tag records.
     */
    restoredFrom?: string;
  };
  /**
   * The API release the Deployment runs and the last one that became healthy; automatic rollback puts the latter back (spec.rollout).
   */
  release?: {
    /**
     * A release of the API pods.
     */
    current?: {
      /**
       * Container image of the release.
       */
      image?: string;
      /**
       * Digest of the configuration and credentials the release's pods use (no secret values).
       */
      configChecksum?: string;
      /**
       * The PetStore metadata.generation that asked for the release.
       */
      generation?: number;
      /**
       * When the operator started rolling out the release.
       */
      since?: string;
    };
    /**
     * A release of the API pods.
     */
    lastHealthy?: {
      /**
       * Container image of the release.
       */
      image?: string;
      /**
       * Digest of the configuration and credentials the release's pods use (no secret values).
       */
      configChecksum?: string;
      /**
       * The PetStore metadata.generation that asked for the release.
       */
      generation?: number;
      /**
       * When the operator started rolling out the release.
       */
      since?: string;
    };
    /**
     * Set while the operator runs lastHealthy instead of what the spec asks because that release failed; cleared when the spec changes.
     */
    rolledBack?: {
      /**
       * Image of the failed release.
       */
      image?: string;
      /**
       * The metadata.generation whose release failed; a newer generation rolls forward.
       */
      generation?: number;
      /**
       * Why the release failed (ProgressDeadlineExceeded, CrashLoopBackOff, ImagePullFailed, ...).
       */
      reason?: string;
      /**
       * What the operator saw.
       */
      message?: string;
      /**
       * When the operator rolled back.
       */
      at?: string;
    };
  };
  /**
   * Whether the ServiceMonitor, PrometheusRule and dashboard exist, and why not.
   */
  monitoring?: {
    /**
     * The ServiceMonitor, PrometheusRule and dashboard ConfigMap are applied.
     */
    active?: boolean;
    /**
     * Why monitoring is off, e.g. the monitoring.coreos.com CRDs are not installed.
     */
    message?: string;
  };
}
