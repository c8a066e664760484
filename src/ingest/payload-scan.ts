/**
 * A fast path for reading a subscription payload's JSON text: it takes the
 * envelope and each log event's id, timestamp and message, and steps over
 * everything else (`extractedFields` above all) without building it.
 *
 * JSON.parse of a 10,000-event payload builds some 200,000 objects and
 * strings, mostly the `extractedFields` copies of values the message already
 * holds; they dominate decoding time and, being alive across many scavenges,
 * the process's peak memory. The scanner reads the gunzipped bytes directly,
 * so not even the 10 MB text of the payload is made into a string.
 *
 * The scanner is strict about what it keeps: on anything it does not expect
 * it returns `undefined` and the caller parses the text with JSON.parse,
 * which gives the same result or the proper error. Values it steps over are
 * checked for structure only (see {@link Cursor.skipString}).
 */
import type { DataMessage, LogEvent } from './messages.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

class Bail extends Error {}
const BAIL = new Bail();

/**
 * Where the string whose opening quote is at `open` ends (its closing
 * quote), or -1 if the bytes end first. A loop in JS, not Buffer#indexOf:
 * strings here are short, and a call into C++ per string costs more than
 * reading their bytes.
 */
function closingQuote(s: Buffer, open: number): number {
  let i = open + 1;
  for (let c = s[i]; c !== QUOTE; c = s[++i]) {
    // Stryker disable next-line UnaryOperator: with 1 the caller goes back to byte 2 and still bails: read again from there, the payload's strings swap with the text between them, letters fall outside strings
    if (c === undefined) return -1;
    // The escaped character, a quote perhaps, is not the end.
    if (c === BACKSLASH) i++;
  }
  return i;
}

/** A cursor over UTF-8 JSON bytes; every method throws BAIL on a surprise. */
class Cursor {
  pos = 0;
  constructor(readonly s: Buffer) {}

  ws(): void {
    const s = this.s;
    let c = s[this.pos];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s[++this.pos];
  }

  expect(code: number): void {
    this.ws();
    if (this.s[this.pos] !== code) throw BAIL;
    this.pos++;
  }

  /** Consumes `code` if it is next (after white space). */
  take(code: number): boolean {
    this.ws();
    if (this.s[this.pos] !== code) return false;
    this.pos++;
    return true;
  }

  string(): string {
    const start = this.stringRange();
    // Stryker disable next-line EqualityOperator: start is never 0: it follows the opening quote
    if (start < 0) return this.escapedString();
    return this.s.toString(this.ascii ? 'latin1' : 'utf8', start, this.pos - 1);
  }

  /** Whether the string {@link stringRange} last stepped over is all ASCII. */
  // Stryker disable next-line BooleanLiteral: stringRange sets it before anything reads it
  ascii = true;

  /**
   * Steps over a string that needs no unescaping and returns where its
   * characters start (they end at `pos - 1`); returns -1, without moving,
   * for one that has escapes or control characters: see {@link escapedString}.
   */
  stringRange(): number {
    this.ws();
    const s = this.s;
    if (s[this.pos] !== QUOTE) throw BAIL;
    const start = this.pos + 1;
    // A loop in JS, as in closingQuote. Control characters are invalid in JSON strings; escapes need decoding;
    // bytes past ASCII need UTF-8 decoding.
    // Stryker disable next-line BooleanLiteral: ASCII bytes decode the same as UTF-8 and as latin1
    let ascii = true;
    let i = start;
    for (let c = s[i]; c !== QUOTE; c = s[++i]) {
      if (c === undefined) throw BAIL;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: `true` and `<= 0x20` send more strings to JSON.parse (escapedString), which decodes them the same; `false` and `>=` are killed by the raw-control-character tests
      if (c === BACKSLASH || c < 0x20) return -1;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: ASCII bytes (0x7f among them) decode the same as UTF-8 and as latin1
      if (c > 0x7f) ascii = false;
    }
    this.ascii = ascii;
    this.pos = i + 1;
    return start;
  }

  /**
   * Reads a log event's key: ID, TIMESTAMP, MESSAGE or OTHER. Compared as
   * bytes, so the some 800,000 keys of a large batch make no strings.
   */
  eventKey(): number {
    const start = this.stringRange();
    // An escaped key could still spell one of ours: decode it.
    // Stryker disable next-line EqualityOperator: start is never 0: it follows the opening quote
    if (start < 0) {
      const key = this.escapedString();
      return EVENT_KEYS.find(([k]) => k.toString('latin1') === key)?.[1] ?? OTHER;
    }
    const length = this.pos - 1 - start;
    const s = this.s;
    for (const [k, code] of EVENT_KEYS) {
      if (k.length !== length) continue;
      let i = 0;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: without `i < length` (or with <=) the loop stops at k[length], undefined, all the same; the other mutants of the line are killed by the decoy-key test
      while (i < length && s[start + i] === k[i]) i++;
      if (i === length) return code;
    }
    return OTHER;
  }

  /** Rare: lets JSON.parse decode exactly the string literal at `pos`. */
  escapedString(): string {
    const s = this.s;
    let i = this.pos + 1;
    for (;;) {
      const c = s[i];
      if (c === undefined) throw BAIL;
      if (c === BACKSLASH) i += 2;
      else if (c === QUOTE) break;
      else i++;
    }
    const literal = s.toString('utf8', this.pos, i + 1);
    this.pos = i + 1;
    try {
      return JSON.parse(literal) as string;
    } catch {
      throw BAIL;
    }
  }

  number(): number {
    this.ws();
    const s = this.s;
    let i = this.pos;
    const negative = s[i] === 0x2d;
    if (negative) i++;
    const digits = i;
    let value = 0;
    // Stryker disable next-line ConditionalExpression: `undefined >= 0x30` is false, so the loop ends at the end of the bytes all the same
    for (let c = s[i]; c !== undefined && c >= 0x30 && c <= 0x39; c = s[++i]) value = value * 10 + (c - 0x30);
    // JSON forbids an empty integer part and leading zeros; past 15 digits a double may round.
    if (i === digits || (s[digits] === 0x30 && i - digits > 1) || i - digits > 15) throw BAIL;
    // Fractions and exponents never occur in timestamps: the '.', 'e' or 'E'
    // left at pos is refused by whatever the caller expects next (',', '}'
    // or ']'), so such a number goes to JSON.parse.
    this.pos = i;
    return negative ? -value : value;
  }

  /**
   * Steps over a string without decoding it. Its characters are not checked
   * (a raw control character would pass): the value is thrown away, and
   * CloudWatch writes none.
   */
  skipString(): void {
    this.ws();
    const s = this.s;
    if (s[this.pos] !== QUOTE) throw BAIL;
    const end = closingQuote(s, this.pos);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: end is never 0, and without the check the cursor goes back to byte 0, whose '{' the caller's next expect refuses
    if (end < 0) throw BAIL;
    this.pos = end + 1;
  }

  /** Steps over one value of any type, checking its structure. */
  skip(): void {
    this.ws();
    const c = this.s[this.pos];
    if (c === QUOTE) {
      this.skipString();
    } else if (c === LBRACE) {
      // Stryker disable next-line ConditionalExpression: without the fast path the general walk reads the same object
      if (this.skipFlatObject()) return;
      this.pos++;
      if (this.take(RBRACE)) return;
      do {
        this.skipString();
        this.expect(COLON);
        this.skip();
      } while (this.take(COMMA));
      this.expect(RBRACE);
    } else if (c === LBRACKET) {
      this.pos++;
      if (this.take(RBRACKET)) return;
      do this.skip();
      while (this.take(COMMA));
      this.expect(RBRACKET);
    } else if (this.word(TRUE)) this.pos += 4;
    else if (this.word(FALSE)) this.pos += 5;
    else if (this.word(NULL)) this.pos += 4;
    else this.number();
  }

  /**
   * Steps over an object whose values are all strings, written without white
   * space (`extractedFields`, as CloudWatch writes it), in one tight loop.
   * Returns false, not having moved, at anything else: {@link skip} then
   * walks it the general way.
   */
  // Stryker disable next-line BlockStatement: a fast path that always declines leaves every object to the general walk
  private skipFlatObject(): boolean {
    const s = this.s;
    // Stryker disable next-line ArithmeticOperator: from the byte before '{' (':', ',', '[' or white space) the fast loop declines at once and the general walk reads the object
    let i = this.pos + 1;
    // Stryker disable next-line ConditionalExpression,BlockStatement: without it an empty object is declined by the loop below and read by the general walk
    if (s[i] === RBRACE) {
      this.pos = i + 1;
      return true;
    }
    for (;;) {
      // A key, then a value: both strings.
      // Stryker disable next-line UpdateOperator: counting down, the loop ends only by declining, and the general walk reads every object
      for (let n = 0; n < 2; n++) {
        // Stryker disable next-line ConditionalExpression: `true` declines every object to the general walk; `false` is killed by the tests
        if (s[i] !== QUOTE) return false;
        i = closingQuote(s, i);
        // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral: i is never 0; a string cut off by the end leaves pos at '{' (declined or not), which the caller's next expect refuses
        if (i < 0) return false;
        // Stryker disable next-line UpdateOperator: stepping back into the string just read, the checks that follow decline to the general walk (300,000 random objects found none read otherwise)
        i++;
        // Stryker disable next-line ConditionalExpression: checking for a colon after a value too declines at its ',' or '}', to the general walk
        if (n === 0) {
          // Stryker disable next-line ConditionalExpression: `true` declines every object to the general walk; `false` is killed by the tests
          if (s[i] !== COLON) return false;
          i++;
        }
      }
      const c = s[i++];
      // Stryker disable next-line ConditionalExpression: without it the closing '}' is declined on the next line and the general walk reads the object
      if (c === RBRACE) break;
      // Stryker disable next-line ConditionalExpression: `true` declines objects of more than one field to the general walk; `false` is killed by the tests
      if (c !== COMMA) return false;
    }
    this.pos = i;
    return true;
  }

  private word(w: Buffer): boolean {
    return this.s.subarray(this.pos, this.pos + w.length).equals(w);
  }
}

// Log event keys, told apart by {@link Cursor.eventKey} without making strings.
const OTHER = 0;
const ID = 1;
const TIMESTAMP = 2;
const MESSAGE = 3;
const EVENT_KEYS: readonly (readonly [Buffer, number])[] = [
  [Buffer.from('id'), ID],
  [Buffer.from('timestamp'), TIMESTAMP],
  [Buffer.from('message'), MESSAGE],
];

// How a string kept as a byte range is made into a JS string.
const LATIN1 = 0;
const UTF8 = 1;
const DECODED = 2; // had escapes: decoded during the scan, kept in `decoded`
// Per event: id start, id end, id kind, message start, message end, message kind.
const SLOTS = 6;

/**
 * Where each log event's id and message sit in the payload bytes, and its
 * timestamp. Strings are made only when a slice of events is asked for, so
 * a caller that works a slice at a time never holds a whole payload's events:
 * what it has finished with dies young instead of being promoted.
 */
export class EventIndex {
  count = 0;
  json: Buffer = Buffer.alloc(0);
  #pos = new Int32Array(SLOTS * 1024);
  #timestamps = new Float64Array(1024);
  readonly #decoded = new Map<number, string>();

  /** Starts indexing `json`, forgetting (and reusing the memory of) what was indexed before. */
  reset(json: Buffer): this {
    this.json = json;
    this.count = 0;
    this.#decoded.clear();
    return this;
  }

  add(cur: Cursor): void {
    const c = this.count;
    if (c === this.#timestamps.length) {
      const pos = new Int32Array(this.#pos.length * 2);
      pos.set(this.#pos);
      this.#pos = pos;
      const ts = new Float64Array(c * 2);
      ts.set(this.#timestamps);
      this.#timestamps = ts;
    }
    const at = c * SLOTS;
    const pos = this.#pos;
    pos[at] = -1;
    pos[at + 3] = -1;
    let timestamp: number | undefined;
    cur.expect(LBRACE);
    // Stryker disable next-line ConditionalExpression: an empty event bails either way: on its '}' read as a key, or for its missing fields
    if (!cur.take(RBRACE)) {
      do {
        const key = cur.eventKey();
        cur.expect(COLON);
        if (key === ID) this.#range(cur, at);
        else if (key === TIMESTAMP) timestamp = cur.number();
        else if (key === MESSAGE) this.#range(cur, at + 3);
        else cur.skip();
      } while (cur.take(COMMA));
      cur.expect(RBRACE);
    }
    // An event missing a field goes the slow way, so the parser reports it as JSON.parse would show it.
    if (pos[at] === -1 || timestamp === undefined || pos[at + 3] === -1) throw BAIL;
    this.#timestamps[c] = timestamp;
    this.count = c + 1;
  }

  #range(cur: Cursor, at: number): void {
    const pos = this.#pos;
    const start = cur.stringRange();
    // Stryker disable next-line EqualityOperator: start is never 0: it follows the opening quote
    if (start < 0) {
      pos[at] = 0;
      pos[at + 1] = 0;
      pos[at + 2] = DECODED;
      this.#decoded.set(at, cur.escapedString());
      return;
    }
    pos[at] = start;
    pos[at + 1] = cur.pos - 1;
    pos[at + 2] = cur.ascii ? LATIN1 : UTF8;
  }

  #text(at: number): string {
    const pos = this.#pos;
    const kind = pos[at + 2];
    if (kind === DECODED) return this.#decoded.get(at)!;
    // Stryker disable next-line ConditionalExpression: LATIN1 marks all-ASCII strings, which UTF-8 decodes the same
    return this.json.toString(kind === LATIN1 ? 'latin1' : 'utf8', pos[at], pos[at + 1]);
  }

  /** Events `from` to `to - 1`, made now. */
  slice(from: number, to: number): LogEvent[] {
    const end = Math.min(to, this.count);
    // Stryker disable next-line ArrayDeclaration: the loop fills every index, so an array grown one at a time ends the same
    const out = new Array<LogEvent>(Math.max(0, end - from));
    for (let i = from; i < end; i++) {
      out[i - from] = { id: this.#text(i * SLOTS), timestamp: this.#timestamps[i]!, message: this.#text(i * SLOTS + 3) };
    }
    return out;
  }
}

/** A DATA_MESSAGE whose log events are made on demand (see {@link scanDataMessageLazily}). */
export interface LazyDataMessage extends Omit<DataMessage, 'logEvents'> {
  readonly eventCount: number;
  /** Log events `from` to `to - 1`, as Array#slice would give them. */
  events(from: number, to: number): LogEvent[];
}

/**
 * Reads a DATA_MESSAGE payload's UTF-8 JSON, or returns undefined when it is
 * anything else (another message type, another shape, invalid JSON).
 */
export function scanDataMessage(json: Buffer): DataMessage | undefined {
  const m = scanDataMessageLazily(json);
  return m === undefined ? undefined : wholeMessage(m);
}

/** A lazy message with all its events made. */
export function wholeMessage(m: LazyDataMessage): DataMessage {
  const { messageType, owner, logGroup, logStream, subscriptionFilters } = m;
  return { messageType, owner, logGroup, logStream, subscriptionFilters, logEvents: m.events(0, m.eventCount) };
}

/**
 * Like {@link scanDataMessage}, but the whole payload is only checked and
 * indexed here; each event's strings are made when a slice is asked for.
 * `json` must not change while the result is in use, nor `index`, if given
 * (to reuse its memory), be reset.
 */
export function scanDataMessageLazily(json: Buffer, index: EventIndex = new EventIndex()): LazyDataMessage | undefined {
  const cur = new Cursor(json);
  let messageType: string | undefined;
  let owner: string | undefined;
  let logGroup: string | undefined;
  let logStream: string | undefined;
  let subscriptionFilters: string[] | undefined;
  let logEvents: EventIndex | undefined;
  index.reset(json);
  try {
    cur.expect(LBRACE);
    do {
      const key = cur.string();
      cur.expect(COLON);
      switch (key) {
        case 'messageType':
          messageType = cur.string();
          break;
        case 'owner':
          owner = cur.string();
          break;
        case 'logGroup':
          logGroup = cur.string();
          break;
        case 'logStream':
          logStream = cur.string();
          break;
        case 'subscriptionFilters':
          subscriptionFilters = [];
          cur.expect(LBRACKET);
          if (!cur.take(RBRACKET)) {
            do subscriptionFilters.push(cur.string());
            while (cur.take(COMMA));
            cur.expect(RBRACKET);
          }
          break;
        case 'logEvents':
          if (logEvents !== undefined) throw BAIL;
          logEvents = index;
          cur.expect(LBRACKET);
          if (!cur.take(RBRACKET)) {
            do logEvents.add(cur);
            while (cur.take(COMMA));
            cur.expect(RBRACKET);
          }
          break;
        default:
          cur.skip();
      }
    } while (cur.take(COMMA));
    cur.expect(RBRACE);
    cur.ws();
    if (cur.pos !== json.length) return undefined;
  } catch {
    // BAIL, or a RangeError: skip() recurses per level of nesting, so a value
    // nested some 10,000 deep overflows the stack, which JSON.parse does not.
    return undefined;
  }
  if (messageType !== 'DATA_MESSAGE' || owner === undefined || logGroup === undefined || logStream === undefined || logEvents === undefined) {
    return undefined;
  }
  return {
    messageType,
    owner,
    logGroup,
    logStream,
    subscriptionFilters: subscriptionFilters ?? [],
    eventCount: index.count,
    events: (from, to) => index.slice(from, to),
  };
}
