/**
 * Deterministic document ids, so a batch that CloudWatch or Lambda delivers
 * again overwrites what it wrote the first time instead of duplicating it.
 */
import { createHash } from 'node:crypto';

/**
 * A short key for one log stream of one log group. CloudWatch event ids are
 * unique within a log group's streams, not across groups, so the id carries
 * both; hashing once per batch keeps the per-record cost to a concatenation.
 */
export function streamKey(logGroup: string, logStream: string): string {
  return createHash('sha256').update(logGroup).update('\0').update(logStream).digest('base64url').slice(0, 12);
}

/** The `_id` of the record with CloudWatch event id `eventId` in the stream of `key`. */
export function documentId(key: string, eventId: string): string {
  return key + eventId;
}
