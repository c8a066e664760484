/**
 * Dead letters on storage: where each goes (a key that depends on the record
 * alone, so a redelivery, however batched, overwrites rather than duplicates
 * it), how letters are serialized, and how they are turned back into
 * payloads for replay.
 */
import { createHash } from 'node:crypto';
import type { DeadLetter } from './bulk.js';
import type { DataMessage, LogEvent } from './messages.js';
import { DeadLetterFormatError } from '../errors.js';
import { isPlausibleMs } from '../format/parse.js';

/** Stores dead letters under a key. */
export interface DeadLetterSink {
  /** Rejects when the letters could not be stored within `timeoutMs`. */
  write(key: string, letters: readonly DeadLetter[], options?: { readonly timeoutMs?: number }): Promise<void>;
}

/** Folder of letters without a plausible time of their own. */
export const UNDATED = 'undated';

/**
 * `<prefix>YYYY/MM/DD/<hash>.ndjson` for one letter: the day of its event
 * (`undated/` when it has no plausible time: "today" would differ between a
 * delivery and its redelivery) and a hash of what it is: log group,
 * stream and event id for a record, the raw data for an undecodable payload.
 * One letter per key: a key shared by several records would depend on how
 * they were batched, and a redelivery batched otherwise would then write its
 * letters again under other keys (issue 11, defect 6).
 */
export function deadLetterKey(prefix: string, letter: DeadLetter): string {
  const day = isPlausibleMs(letter.timestamp) ? new Date(letter.timestamp).toISOString().slice(0, 10).replaceAll('-', '/') : UNDATED;
  const h = createHash('sha256');
  if (letter.stage === 'decode' || letter.id === undefined) h.update('decode\0').update(letter.data ?? letter.reason);
  else {
    // Stryker disable next-line StringLiteral: the separators and the fallback for a missing part may be any constants names cannot hold; tests check the parts are kept apart
    h.update(letter.logGroup ?? '').update('\0').update(letter.logStream ?? '').update('\0').update(letter.id);
  }
  return `${prefix}${day}/${h.digest('hex').slice(0, 32)}.ndjson`;
}

/** Letters as NDJSON, one per line. */
export const serializeDeadLetters = (letters: readonly DeadLetter[]): string => letters.map((l) => JSON.stringify(l)).join('\n') + '\n';

/** Reads NDJSON dead letters; blank lines are skipped, a malformed line throws with its number. */
export function parseDeadLetters(text: string, source = 'input'): DeadLetter[] {
  const out: DeadLetter[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new DeadLetterFormatError(`${source}:${i + 1}: not a JSON dead letter: ${(err as Error).message}`);
    }
    // Stryker disable next-line ConditionalExpression: a non-object has no string stage either; only null needs its own check
    if (typeof v !== 'object' || v === null || typeof (v as DeadLetter).stage !== 'string') {
      throw new DeadLetterFormatError(`${source}:${i + 1}: not a dead letter (no stage)`);
    }
    out.push(v as DeadLetter);
  });
  return out;
}

/**
 * Rebuilds DATA_MESSAGE payloads from dead letters of records (stages parse
 * and index), grouped by log stream, so a replay gives each record the
 * document id it would have had. Letters of undecodable payloads (stage
 * decode) carry no records and are returned apart.
 */
export function payloadsFromDeadLetters(letters: readonly DeadLetter[]): { payloads: DataMessage[]; undecodable: DeadLetter[] } {
  const groups = new Map<string, { owner: string; logGroup: string; logStream: string; events: LogEvent[] }>();
  const undecodable: DeadLetter[] = [];
  for (const l of letters) {
    if (l.stage === 'decode' || l.message === undefined || l.id === undefined) {
      undecodable.push(l);
      continue;
    }
    const key = `${l.logGroup}\0${l.logStream}`;
    let g = groups.get(key);
    if (!g) {
      g = { owner: l.owner ?? '', logGroup: l.logGroup ?? '', logStream: l.logStream ?? '', events: [] };
      groups.set(key, g);
    }
    g.events.push({ id: l.id, timestamp: l.timestamp ?? 0, message: l.message });
  }
  const payloads = [...groups.values()].map(
    (g): DataMessage => ({ messageType: 'DATA_MESSAGE', owner: g.owner, logGroup: g.logGroup, logStream: g.logStream, subscriptionFilters: ['replay'], logEvents: g.events }),
  );
  return { payloads, undecodable };
}
