/**
 * Parsing flow-log records into the canonical document (src/format/document.ts).
 *
 * One pass splits a record on spaces and checks every token against its
 * field; the document is then written straight to JSON text, because the
 * ingest function's only use for it is a `_bulk` body and building an object
 * to stringify would cost about as much again. {@link RecordParser.parse}
 * gives the same document as an object, for the CLI's callers and tests.
 */
import type { FlowLogField, FlowLogFormat } from './flow-log-schema.js';
import { addressScope, type AddressScope } from '../enrich/ip-scope.js';
import type { GeoLookup } from '../enrich/geoip.js';
import { protocolName, tcpFlagNames } from '../enrich/enrich.js';

/** A value of a parsed document. */
export type DocValue = string | number | null | readonly string[] | { readonly lat: number; readonly lon: number };

/** A parsed document: flow-log keys plus enrichment keys. */
export type FlowLogDocument = Record<string, DocValue>;

/** Result of parsing one record: the document, or why it could not be read. */
export type ParseResult<T> = { readonly ok: true; readonly value: T; readonly startSec: number | null } | { readonly ok: false; readonly reason: string };

/** Options of a parser. */
export interface ParserOptions {
  /** GeoIP lookups for public addresses. @default - no GeoIP keys */
  readonly geo?: GeoLookup;
}

// Integers up to 15 digits are always exact in a double; 16-digit ones are
// checked. bytes can pass 2^32, so no 32-bit shortcut.
const MAX_SAFE_DIGITS = 15;

/** Largest value of an OpenSearch `integer` (signed 32-bit). */
const MAX_SEARCH_INTEGER = 2_147_483_647;

/**
 * Tighter bounds than the mapped type for fields whose values are fixed by
 * the protocol: ports are 16-bit, the IANA protocol number 8-bit.
 */
const FIELD_MAX: Readonly<Record<string, number>> = { srcport: 65_535, dstport: 65_535, protocol: 255 };

/**
 * Start and end must fall in 2000-01-01T00:00:00Z .. 2099-12-31T23:59:59Z.
 * Flow logs began in 2015; anything outside is a corrupt record, and would
 * otherwise make a malformed `@timestamp` (year 10000) or no date at all.
 */
export const MIN_TIME_SEC = 946_684_800;
export const MAX_TIME_SEC = 4_102_444_799;
const TIME_RANGE_TEXT = 'between 2000-01-01 and 2099-12-31';

/** Whether `ms` (an event's CloudWatch time) is a number in the plausible range. */
export const isPlausibleMs = (ms: unknown): ms is number => typeof ms === 'number' && ms >= MIN_TIME_SEC * 1000 && ms < (MAX_TIME_SEC + 1) * 1000;

// Characters a token may hold and still be written between quotes without
// escaping: printable ASCII except '"' and '\'. Anything else goes through
// JSON.stringify, which is rare in flow logs.
function needsEscape(s: string): boolean {
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, which needs no escape
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: JSON.stringify writes space, tilde and DEL as plain quoting does; it only costs time
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return true;
  }
  // Stryker disable next-line BooleanLiteral: JSON.stringify of a string that needs no escape is the plain quoting
  return false;
}

/** A string as JSON text; the common all-ASCII case skips JSON.stringify. */
export const jsonString = (s: string): string => (needsEscape(s) ? JSON.stringify(s) : '"' + s + '"');

/**
 * Whether a token of an integer field is a non-negative integer. Only
 * checked here: the value is converted later, for the few fields that need it.
 */
function isInteger(tok: string): boolean {
  const n = tok.length;
  // Stryker disable next-line ConditionalExpression: more than 16 digits also fail the safe-integer check below; the test is a shortcut
  if (n === 0 || n > 16) return false;
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, which passes the digit test
  for (let i = 0; i < n; i++) {
    const c = tok.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: up to 15 digits are always safe; the test skips the conversion
  return n <= MAX_SAFE_DIGITS || Number.isSafeInteger(Number(tok));
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const DAY_PREFIXES = new Map<number, string>();

/**
 * Unix seconds as `YYYY-MM-DDTHH:MM:SS.000Z`, equal to Date#toISOString
 * but several times cheaper: the date part is computed once per day, the
 * time from a table. start and end are converted for every record.
 */
export function isoSeconds(sec: number): string {
  const day = Math.floor(sec / 86_400);
  let prefix = DAY_PREFIXES.get(day);
  // Stryker disable next-line ConditionalExpression: a cache; the day's prefix computed again is the same
  if (prefix === undefined) {
    const d = new Date(day * 86_400_000);
    // Stryker disable next-line ConditionalExpression: the next line throws the same RangeError
    if (Number.isNaN(d.getTime())) return d.toISOString(); // throws the RangeError Date gives
    prefix = d.toISOString().slice(0, 11);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: bounds the cache's memory only
    if (DAY_PREFIXES.size > 10_000) DAY_PREFIXES.clear();
    DAY_PREFIXES.set(day, prefix);
  }
  const t = sec - day * 86_400;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t - h * 3600) / 60);
  return prefix + PAD2[h]! + ':' + PAD2[m]! + ':' + PAD2[t - h * 3600 - m * 60]! + '.000Z';
}

/** The JSON key prefixes of one side's address enrichment. */
interface AddressKeys {
  readonly scope: string;
  readonly country: string;
  readonly city: string;
  readonly location: string;
  readonly asn: string;
  readonly asOrg: string;
}
const addressKeys = (side: 'src' | 'dst'): AddressKeys => ({
  scope: `,"${side}_addr_scope":"`,
  country: `,"${side}_country":`,
  city: `,"${side}_city":`,
  location: `,"${side}_location":{"lat":`,
  asn: `,"${side}_asn":`,
  asOrg: `,"${side}_as_org":`,
});
const SRC_KEYS = addressKeys('src');
const DST_KEYS = addressKeys('dst');

/** Gives the `_bulk` action line of a record, newline included (see {@link RecordParser.toBulkLines}). */
export interface BulkHead {
  line(startSec: number | null): string;
}

/** A parser bound to one flow-log format. */
export class RecordParser {
  readonly format: FlowLogFormat;
  private readonly fields: readonly FlowLogField[];
  private readonly prefixes: readonly string[];
  private readonly quotedPrefixes: readonly string[];
  private readonly isInt: readonly boolean[];
  private readonly isIp: readonly boolean[];
  /** Largest value per integer field, and its digit count (a shorter token needs no conversion). */
  private readonly maxInt: readonly number[];
  private readonly maxDigits: readonly number[];
  private readonly width: number;
  private readonly geo: GeoLookup | undefined;
  private readonly iStart: number;
  private readonly iEnd: number;
  private readonly iProtocol: number;
  private readonly iFlags: number;
  private readonly iSrc: number;
  private readonly iDst: number;
  // Records of one batch share a handful of start/end seconds; remembering
  // the last conversion avoids most Date allocations.
  private lastSec = NaN;
  // Stryker disable next-line StringLiteral: never read while lastSec is NaN
  private lastIso = '';
  private prevSec = NaN;
  // Stryker disable next-line StringLiteral: never read while prevSec is NaN
  private prevIso = '';
  // Scopes of srcaddr/dstaddr found while checking the record, kept for enrichment.
  // Stryker disable next-line StringLiteral: scan sets it before any address is written
  private srcScope: AddressScope = 'public';
  // Stryker disable next-line StringLiteral: as above
  private dstScope: AddressScope = 'public';
  // Stryker disable next-line ArrayDeclaration: emptied before every record
  private readonly parts: string[] = [];
  private readonly flagJson: (string | undefined)[] = [];
  // Escaped JSON of GeoIP strings (org names repeat endlessly).
  private readonly quoted = new Map<string, string>();

  constructor(format: FlowLogFormat, options: ParserOptions = {}) {
    this.format = format;
    this.fields = format.fields;
    this.width = format.fields.length;
    this.prefixes = format.fields.map((f, i) => (i === 0 ? '{' : ',') + JSON.stringify(f.key) + ':');
    this.quotedPrefixes = this.prefixes.map((p) => p + '"');
    this.isInt = format.fields.map((f) => f.kind === 'integer');
    this.isIp = format.fields.map((f) => f.search === 'ip');
    this.maxInt = format.fields.map((f) => FIELD_MAX[f.name] ?? (f.search === 'integer' ? MAX_SEARCH_INTEGER : Number.MAX_SAFE_INTEGER));
    this.maxDigits = this.maxInt.map((m) => String(m).length);
    this.geo = options.geo;
    const at = (name: string): number => format.fields.findIndex((f) => f.name === name);
    this.iStart = at('start');
    this.iEnd = at('end');
    this.iProtocol = at('protocol');
    this.iFlags = at('tcp-flags');
    this.iSrc = at('srcaddr');
    this.iDst = at('dstaddr');
  }

  /**
   * Splits and checks a record. Returns its tokens, or the reason it does not
   * fit the format (which field, which value).
   */
  private scan(line: string): string[] | string {
    // CloudWatch keeps records as written: a trailing newline or a doubled
    // space must not read as an extra field or stick to the last value.
    // Stryker disable next-line EqualityOperator: a trailing space splits into an extra empty token and takes the trimmed path all the same
    const toks = line.charCodeAt(line.length - 1) <= 32 ? [] : line.split(' ');
    if (toks.length !== this.width) {
      const trimmed = line.trim().split(/\s+/);
      if (trimmed.length !== this.width) {
        return `expected ${this.width} space-separated fields (${this.fields.map((f) => f.name).join(' ')}), found ${trimmed.length}`;
      }
      toks.length = 0;
      toks.push(...trimmed);
    }
    // Stryker disable next-line EqualityOperator: toks[width] is undefined, which is neither an integer nor an address field's token
    for (let i = 0; i < this.width; i++) {
      const tok = toks[i]!;
      if (tok === '-') continue;
      if (this.isInt[i]) {
        if (!isInteger(tok)) return `field "${this.fields[i]!.name}" must be a non-negative integer or "-", found ${JSON.stringify(tok)}`;
        if (i === this.iStart || i === this.iEnd) {
          const sec = Number(tok);
          if (sec < MIN_TIME_SEC || sec > MAX_TIME_SEC) {
            return `field "${this.fields[i]!.name}" must be a Unix time in seconds ${TIME_RANGE_TEXT}, found ${JSON.stringify(tok)}`;
          }
        } else {
          // Stryker disable next-line ConditionalExpression: a token with fewer digits than the maximum is below it; the length test only skips the conversion
          const mayExceed = tok.length >= this.maxDigits[i]!;
          if (mayExceed && Number(tok) > this.maxInt[i]!) {
            return `field "${this.fields[i]!.name}" must be an integer from 0 to ${this.maxInt[i]} or "-", found ${JSON.stringify(tok)}`;
          }
        }
      }
      if (this.isIp[i]) {
        const scope = addressScope(tok);
        if (scope === undefined) return `field "${this.fields[i]!.name}" must be an IP address or "-", found ${JSON.stringify(tok)}`;
        if (i === this.iSrc) this.srcScope = scope;
        else if (i === this.iDst) this.dstScope = scope;
      }
    }
    return toks;
  }

  private isoOf(sec: number): string {
    // Stryker disable next-line ConditionalExpression: a cache of the last two conversions
    if (sec === this.lastSec) return this.lastIso;
    // Stryker disable next-line ConditionalExpression: as above
    if (sec === this.prevSec) return this.prevIso;
    this.prevSec = this.lastSec;
    this.prevIso = this.lastIso;
    this.lastSec = sec;
    this.lastIso = isoSeconds(sec);
    return this.lastIso;
  }

  private q(s: string): string {
    let v = this.quoted.get(s);
    // Stryker disable next-line ConditionalExpression: a cache; quoting again gives the same text
    if (v === undefined) {
      v = jsonString(s);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: bounds the cache's memory only
      if (this.quoted.size > 50_000) this.quoted.clear();
      this.quoted.set(s, v);
    }
    return v;
  }

  private tokenAt(toks: readonly string[], i: number): string | undefined {
    // Stryker disable next-line ConditionalExpression: toks[-1] is undefined, which is returned all the same
    if (i < 0) return undefined;
    const t = toks[i]!;
    return t === '-' ? undefined : t;
  }

  /**
   * Parses a record to the JSON text of its document. `fallbackMs` (the
   * CloudWatch event time) dates a record whose format has no start field.
   * `replaced` counts characters the decoder put in place of bytes that were
   * not UTF-8: the document then says so in `utf8_replacements`.
   */
  toJson(line: string, fallbackMs?: number, replaced = 0): ParseResult<string> {
    return this.write(line, fallbackMs, undefined, replaced);
  }

  /**
   * Parses a record to its two `_bulk` lines: the action line `head` gives
   * for the record's start (Unix seconds, null if it has none), then the
   * document, each followed by a newline. Written as one string, so a
   * `_bulk` body costs one copy less than joining action and document.
   */
  toBulkLines(line: string, fallbackMs: number | undefined, head: BulkHead, replaced = 0): ParseResult<string> {
    return this.write(line, fallbackMs, head, replaced);
  }

  private write(line: string, fallbackMs: number | undefined, head: BulkHead | undefined, replaced: number): ParseResult<string> {
    const toks = this.scan(line);
    if (typeof toks === 'string') return { ok: false, reason: toks };
    const start = this.tokenAt(toks, this.iStart);
    // Without a start, the event's own time dates the record (and names its
    // index): it must be a real time too, or nothing could be dated.
    if (start === undefined && (fallbackMs !== undefined || head !== undefined) && !isPlausibleMs(fallbackMs)) {
      return { ok: false, reason: `the record has no start and its event time ${JSON.stringify(fallbackMs ?? null)} is not a Unix time in milliseconds ${TIME_RANGE_TEXT}` };
    }
    // Pieces are collected and joined once: a chain of += would leave a tree
    // of dozens of cons-strings per record for the garbage collector.
    const parts = this.parts;
    parts.length = 0;
    // The action line's place, filled once the start is known.
    // Stryker disable next-line ConditionalExpression,StringLiteral: an empty first piece joins to nothing; a non-empty one is overwritten below
    if (head !== undefined) parts.push('');
    for (let i = 0; i < this.width; i++) {
      const tok = toks[i]!;
      // Pushing the quotes as pieces avoids a concatenated string per value.
      if (tok === '-') parts.push(this.prefixes[i]!, 'null');
      else if (this.isInt[i]) parts.push(this.prefixes[i]!, tok);
      else {
        // (A comment before an `else if` is not seen by Stryker; hence the block.)
        // Stryker disable next-line ConditionalExpression: JSON.stringify of a token that needs no escape is the plain quoting
        if (needsEscape(tok)) parts.push(this.prefixes[i]!, JSON.stringify(tok));
        else parts.push(this.quotedPrefixes[i]!, tok, '"');
      }
    }
    const end = this.tokenAt(toks, this.iEnd);
    const startSec = start === undefined ? null : Number(start);
    if (startSec !== null) parts.push(',"@timestamp":"', this.isoOf(startSec), '"');
    else if (fallbackMs !== undefined) parts.push(',"@timestamp":"', new Date(fallbackMs).toISOString(), '"');
    if (end !== undefined) {
      const endSec = Number(end);
      parts.push(',"end_time":"', this.isoOf(endSec), '"');
      if (startSec !== null) parts.push(',"duration":', String(endSec - startSec));
    }
    const proto = this.tokenAt(toks, this.iProtocol);
    // Stryker disable next-line ConditionalExpression: protocolName(NaN) is undefined, so nothing is written either way
    if (proto !== undefined) {
      const name = protocolName(Number(proto));
      if (name !== undefined) parts.push(',"protocol_name":"', name, '"');
    }
    const flags = this.tokenAt(toks, this.iFlags);
    if (flags !== undefined) parts.push(',"tcp_flag_names":', this.flagsJson(Number(flags)));
    this.addressJson(SRC_KEYS, this.tokenAt(toks, this.iSrc), this.srcScope);
    this.addressJson(DST_KEYS, this.tokenAt(toks, this.iDst), this.dstScope);
    if (replaced > 0) parts.push(',"utf8_replacements":', String(replaced));
    if (head === undefined) {
      parts.push('}');
    } else {
      parts[0] = head.line(startSec);
      parts.push('}\n');
    }
    return { ok: true, value: parts.join(''), startSec };
  }

  private flagsJson(bits: number): string {
    // Only the 9-bit values a TCP header can hold are remembered: a corrupt
    // large value must not grow the table.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: which values are cached bounds memory only; the names are the same
    if (bits >= 512) return JSON.stringify(tcpFlagNames(bits));
    let v = this.flagJson[bits];
    // Stryker disable next-line ConditionalExpression: a cache; the names computed again are the same
    if (v === undefined) v = this.flagJson[bits] = JSON.stringify(tcpFlagNames(bits));
    return v;
  }

  private addressJson(keys: AddressKeys, ip: string | undefined, scope: AddressScope): void {
    if (ip === undefined) return;
    const parts = this.parts;
    parts.push(keys.scope, scope, '"');
    if (scope !== 'public' || this.geo === undefined) return;
    const g = this.geo.lookup(ip);
    if (g === undefined) return;
    if (g.country !== undefined) parts.push(keys.country, this.q(g.country));
    if (g.city !== undefined) parts.push(keys.city, this.q(g.city));
    if (g.location !== undefined) parts.push(keys.location, String(g.location.lat), ',"lon":', String(g.location.lon), '}');
    if (g.asn !== undefined) parts.push(keys.asn, String(g.asn));
    if (g.asOrg !== undefined) parts.push(keys.asOrg, this.q(g.asOrg));
  }

  /** Parses a record to its document as an object (the same document {@link toJson} writes). */
  parse(line: string, fallbackMs?: number): ParseResult<FlowLogDocument> {
    const r = this.toJson(line, fallbackMs);
    if (!r.ok) return r;
    return { ok: true, value: JSON.parse(r.value) as FlowLogDocument, startSec: r.startSec };
  }
}
