/**
 * The one definition of the functions' CloudWatch metrics: namespace, the
 * Powertools `service` of each function (its one dimension), and each metric
 * name. The handlers emit these and the alarms watch them, so a rename cannot
 * leave an alarm watching a metric nobody emits.
 */

/** CloudWatch namespace of every custom metric. */
export const METRICS_NAMESPACE = 'VpcFlowLogs';

/** Powertools `serviceName` of each function: the `service` dimension of its metrics and the logger's service. */
export const SERVICES = {
  ingest: 'ingest',
  partitions: 'partitions',
  reports: 'reports',
  dashboards: 'dashboards',
} as const;

/** One function's Powertools service name. */
export type Service = (typeof SERVICES)[keyof typeof SERVICES];

/** The dimension Powertools gives every metric: the function's service. */
export const SERVICE_DIMENSION = 'service';

/** Powertools' cold-start metric (`captureColdStartMetric`), dimensions `service` and `function_name`. */
export const COLD_START_METRIC = 'ColdStart';

/** Metrics of the ingest function, per invocation. */
export const INGEST_METRICS = {
  recordsIn: 'RecordsIn',
  recordsIndexed: 'RecordsIndexed',
  recordsRetried: 'RecordsRetried',
  /** Records written to the dead-letter bucket: the `DeadLettersWritten` alarm. */
  recordsDeadLettered: 'RecordsDeadLettered',
  parseErrors: 'ParseErrors',
  /** Records whose bytes were not UTF-8 (decoded with U+FFFD, marked `utf8_replacements`). */
  invalidUtf8Records: 'InvalidUtf8Records',
  /** Milliseconds of one `_bulk` request. */
  bulkLatency: 'BulkLatency',
} as const;

/** Metrics of the partition function, per run. */
export const PARTITION_METRICS = {
  partitionsAdded: 'PartitionsAdded',
  partitionsBackfilled: 'PartitionsBackfilled',
} as const;
