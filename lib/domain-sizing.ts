/**
 * Storage of the domain the app creates, from the expected flow-log volume.
 *
 * AWS's rule for the minimum storage ("Calculating storage requirements",
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/bp-storage.html):
 *
 *   source data x (1 + replicas) x 1.45
 *
 * where 1.45 ~ 1.1 (indexing overhead) / 0.95 (Linux reserved space) / 0.8
 * (the 20% OpenSearch Service reserves per instance). Source data of rolling
 * daily indices is one day's volume times the days kept. We add 20% headroom
 * on top of that minimum, so the cluster reaches its sized volume with a
 * fifth of it still free, and the FreeStorageLow alarm (25% free, AWS's
 * recommendation) fires well before writes are blocked.
 *
 * Pure arithmetic, no CDK: config.ts validates with it at synth time.
 */

/**
 * Bytes one flow-log record takes in the index, primary copy, on disk: measured
 * on 200,000 default-format records (../shared/bench/gen.mjs, seed 1) after a
 * force-merge with `npx tsx bench/index-size.ts`, with the document ids new
 * indices get (scheme 2: 16 characters, a 96-bit hash of group, stream and event
 * id). Indices created before that scheme keep their 68-character ids until
 * they age out, at 186.9 bytes a record (see docs/deploy.md, "Upgrading").
 */
export const INDEXED_BYTES_PER_RECORD = 151.8;

/** AWS's simplified storage factor: 1.1 / 0.95 / 0.8, rounded up. */
export const AWS_STORAGE_FACTOR = 1.45;

/** Free space kept above AWS's minimum, as a fraction of it. */
export const STORAGE_HEADROOM = 0.2;

/** The smallest EBS volume OpenSearch Service accepts, GiB. */
export const MIN_VOLUME_GIB = 10;

/**
 * Limits of instance types checked offline: the largest gp3 volume per node
 * and, for T3, the most data nodes a domain may have.
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/limits.html#ebsresource
 * Other types are not checked here (OpenSearch Service refuses an oversized
 * volume at deploy time).
 */
export const INSTANCE_LIMITS: Readonly<Record<string, { readonly maxVolumeGiB: number; readonly maxDataNodes: number }>> = {
  't3.small.search': { maxVolumeGiB: 100, maxDataNodes: 10 },
  't3.medium.search': { maxVolumeGiB: 200, maxDataNodes: 10 },
};

export interface SizingInput {
  /** Flow-log records indexed per day. */
  readonly dailyRecords: number;
  /** Days an index is kept (the ISM policy's age); the index of the current day is kept too. */
  readonly retentionDays: number;
  /** Data nodes. One replica per index when there are two or more. */
  readonly instanceCount: number;
}

/** The storage a domain needs, every figure in GiB except the replicas. */
export interface DomainSizing {
  /** Replicas per index: 1, or 0 on a one-node domain (a replica cannot live beside its primary). */
  readonly replicas: number;
  /** One day of indexed records, primary copy. */
  readonly indexGiBPerDay: number;
  /** Source data: the days kept plus the current day. */
  readonly sourceGiB: number;
  /** AWS's minimum: source x (1 + replicas) x 1.45. */
  readonly minimumGiB: number;
  /** The minimum plus {@link STORAGE_HEADROOM}, for the whole domain. */
  readonly provisionedGiB: number;
  /** gp3 volume per data node, whole GiB, at least {@link MIN_VOLUME_GIB}. */
  readonly volumeGiBPerNode: number;
}

const GIB = 1024 ** 3;

/** Sizes the domain's storage by AWS's rule and {@link INDEXED_BYTES_PER_RECORD}. */
export function sizeDomain(input: SizingInput): DomainSizing {
  const replicas = input.instanceCount > 1 ? 1 : 0;
  const indexGiBPerDay = (input.dailyRecords * INDEXED_BYTES_PER_RECORD) / GIB;
  const sourceGiB = indexGiBPerDay * (input.retentionDays + 1);
  const minimumGiB = sourceGiB * (1 + replicas) * AWS_STORAGE_FACTOR;
  const provisionedGiB = minimumGiB * (1 + STORAGE_HEADROOM);
  const volumeGiBPerNode = Math.max(MIN_VOLUME_GIB, Math.ceil(provisionedGiB / input.instanceCount));
  return { replicas, indexGiBPerDay, sourceGiB, minimumGiB, provisionedGiB, volumeGiBPerNode };
}
