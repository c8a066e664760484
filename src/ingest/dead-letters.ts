/**
 * Dead letters on storage: where a batch's letters go (a deterministic key,
 * so a retried invocation overwrites rather than duplicates them), how they
 * are serialized, and how they are turned back into payloads for replay.
 */
import { createHash } from 'node:crypto';
import type { DeadLetter } from './bulk.js';
import type { DataMessage, LogEvent } from './decode.js';

/** Stores one batch's dead letters under a key. */
export interface DeadLetterSink {
  write(key: string, letters: readonly DeadLetter[]): Promise<void>;
}

/**
 * `<prefix>YYYY/MM/DD/<hash>.ndjson`: the day of the first letter's event (or
 * today for undecodable payloads) and a hash of what the letters are, so the
 * same failures from a redelivered batch land on the same key.
 */
export function deadLetterKey(prefix: string, letters: readonly DeadLetter[], now: Date = new Date()): string {
  const first = letters[0];
  const day = new Date(first?.timestamp ?? now.getTime()).toISOString().slice(0, 10).replaceAll('-', '/');
  const h = createHash('sha256');
  for (const l of letters) h.update(l.logGroup ?? '').update('\0').update(l.logStream ?? '').update('\0').update(l.id ?? l.data ?? '').update('\n');
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
      throw new Error(`${source}:${i + 1}: not a JSON dead letter: ${(err as Error).message}`);
    }
    // Stryker disable next-line ConditionalExpression: a non-object has no string stage either; only null needs its own check
    if (typeof v !== 'object' || v === null || typeof (v as DeadLetter).stage !== 'string') {
      throw new Error(`${source}:${i + 1}: not a dead letter (no stage)`);
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
