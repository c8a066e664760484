/**
 * Deterministic document ids, so a batch that CloudWatch or Lambda delivers
 * again overwrites what it wrote the first time instead of duplicating it.
 *
 * Two schemes exist, and a daily index keeps the one it was created with for
 * its whole life (see {@link IndexIdSchemes} in src/ingest/index-id-schemes.ts):
 * an event redelivered after an upgrade (Lambda's async retries for up to 6 h,
 * the on-failure queue, `flowlogs replay` days later) must get the id it was
 * first written under, or it would be indexed twice.
 */
import { createHash, hash } from 'node:crypto';

/**
 * `1`: the 12-character stream key plus the 56-digit event id (68 characters),
 * written by every release before ids were shortened. `2`: 16 base64url
 * characters, the first 96 bits of SHA-256 over group, stream and event id.
 */
export type DocIdScheme = 1 | 2;

/** The scheme of an index created before the mapping said which one it uses. */
export const LEGACY_DOC_ID_SCHEME: DocIdScheme = 1;

/** The scheme this release gives every index it creates. */
export const CURRENT_DOC_ID_SCHEME: DocIdScheme = 2;

/** The key under the index mapping's `_meta` that names the scheme of the index's ids. */
export const DOC_ID_SCHEME_META_KEY = 'doc_id_scheme';

/** Every scheme this release can write (`includes` compares with `===`: the string "2" is none of them). */
const KNOWN_SCHEMES: readonly unknown[] = [1, 2];

/**
 * The scheme an existing index declares in its mapping's `_meta`: none (an
 * index the template created before the key existed) is the legacy scheme;
 * a value this release cannot write is `undefined` (a newer release made the
 * index; writing it with other ids would duplicate what that one wrote).
 */
export function schemeOfMeta(meta: unknown): DocIdScheme | undefined {
  const value = (meta as Record<string, unknown> | null | undefined)?.[DOC_ID_SCHEME_META_KEY];
  if (value === undefined) return LEGACY_DOC_ID_SCHEME;
  return KNOWN_SCHEMES.includes(value) ? (value as DocIdScheme) : undefined;
}

/**
 * A short key for one log stream of one log group (scheme 1). CloudWatch event
 * ids are unique within a log group's streams, not across groups, so the id
 * carries both; hashing once per batch keeps the per-record cost to a concatenation.
 */
export function streamKey(logGroup: string, logStream: string): string {
  return createHash('sha256').update(logGroup).update('\0').update(logStream).digest('base64url').slice(0, 12);
}

/** The scheme-1 `_id` of the record with CloudWatch event id `eventId` in the stream of `key`. */
export function documentId(key: string, eventId: string): string {
  return key + eventId;
}

/**
 * Characters of a scheme-2 id: 16 base64url characters are exactly 12 bytes
 * (96 bits) with no padding bits, so OpenSearch stores the `_id` as those 12
 * bytes (it keeps an id that is valid base64 decoded), against 51 bytes for a
 * 68-character scheme-1 id.
 *
 * Why 96 bits is enough: ids only have to differ within one daily index (an
 * `_id` is unique per index), and with n records in a day the chance that any
 * two of a uniform 96-bit hash collide is about n^2 / 2 / 2^96 (2^96 = 7.92e28):
 * 6.3e-16 for the default 10 million records a day, 1.6e-14 for the 50
 * million of the largest row of docs/deploy.md's sizing table, 6.3e-12 for a
 * billion; over ten years of daily indices at 50 million, 5.8e-11. A collision
 * would overwrite one record with another, so that is the chance of losing one
 * record in ten years. 72 bits (12 characters) measured 146.6 bytes a record
 * against 151.8 (bench/index-size.ts), but would be 2.6e-7 a day at 50 million
 * and 1e-4 at a billion: not negligible, for 3% of the storage.
 */
export const HASHED_ID_CHARS = 16;

/**
 * Ids of the events of one log stream, under one scheme. A scheme-2 id is
 * `sha256(logGroup + "\0" + logStream + "\0" + eventId)` in base64url, first
 * 16 characters; log group names cannot hold a NUL, so the input is
 * unambiguous. One-shot `crypto.hash` over the joined string measured about
 * twice as fast as copying a hash state primed with group and stream once per
 * batch (a Hash object and a copy per record cost more than hashing ~100 bytes).
 */
export class StreamIds {
  private readonly legacyKey: string;
  private readonly prefix: string;

  constructor(logGroup: string, logStream: string) {
    this.legacyKey = streamKey(logGroup, logStream);
    this.prefix = logGroup + '\0' + logStream + '\0';
  }

  /** The `_id` of the event `eventId` under `scheme`. */
  id(scheme: DocIdScheme, eventId: string): string {
    if (scheme === LEGACY_DOC_ID_SCHEME) return documentId(this.legacyKey, eventId);
    return hash('sha256', this.prefix + eventId, 'base64url').slice(0, HASHED_ID_CHARS);
  }
}
