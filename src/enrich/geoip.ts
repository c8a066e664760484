/**
 * Geo and AS lookups for public addresses, on the data that
 * `scripts/build-geo.mjs` writes (DB-IP Lite country mmdb plus compiled AS
 * range tables) and, optionally, the user's own MaxMind-format database
 * (GeoLite2/GeoIP2 City or Country, DB-IP).
 *
 * Built for the ingest hot path: the AS tables are Uint32Arrays mapped over
 * the files (no parsing at load), AS lookup is a binary search, the mmdb
 * search tree is walked here on the already-parsed address, and a decoded
 * mmdb record is kept per data pointer, so a lookup allocates only its result.
 *
 * Pure: no file reads, no AWS SDK, no environment. The caller hands in the
 * bytes ({@link GeoData}); lambdas/shared/geo-files.ts reads them from disk.
 */
import { Reader } from 'maxmind';
import { GeoDataError } from '../errors.js';
import { parsePublicAddress } from './ip-scope.js';

/** A geo_point, as the index mapping stores it. */
export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

/**
 * What is known about a public address; a key without a value is undefined.
 * Every result has the same five keys in the same order (one hidden class
 * for V8). Results are shared between calls (cached): do not mutate them.
 */
export interface GeoInfo {
  /** ISO 3166-1 alpha-2 country code of where the address is located. */
  readonly country?: string;
  /** City name in English (needs a city database). */
  readonly city?: string;
  /** Approximate location (needs a city database). */
  readonly location?: GeoPoint;
  /** Autonomous system number. */
  readonly asn?: number;
  /** Organisation of the autonomous system. */
  readonly asOrg?: string;
}

/** Looks up public addresses. */
export interface GeoLookup {
  /**
   * Geo and AS data for `ip`, or undefined when `ip` is not a public
   * address (private, loopback, documentation, ... or not an address) or
   * nothing is known about it. IPv4-mapped and NAT64 (64:ff9b::/96)
   * addresses are looked up as the IPv4 address they carry.
   */
  lookup(ip: string): GeoInfo | undefined;
  /** What was loaded, for a start-up log line. */
  readonly metadata: GeoMetadata;
}

/** Description of the loaded data. */
export interface GeoMetadata {
  /** Path of the mmdb used for country/city/location. */
  readonly database: string;
  /** Its `database_type`, such as `GeoLite2-City` or `country ipvAll`. */
  readonly databaseType: string;
  /** When it was built. */
  readonly buildEpoch: Date;
  /** AS ranges loaded. */
  readonly asnRanges: { readonly v4: number; readonly v6: number };
  /** Milliseconds spent in {@link openGeoLookup}. */
  readonly loadMs: number;
}

/** The files `scripts/build-geo.mjs` writes, by name. */
export const GEO_BUILD_FILES = {
  asnV4: 'asn-v4.bin',
  asnV6: 'asn-v6.bin',
  asnOrgs: 'asn-orgs.bin',
  country: 'dbip-country.mmdb',
} as const;

/** One of {@link GEO_BUILD_FILES}. */
export type GeoBuildFile = (typeof GEO_BUILD_FILES)[keyof typeof GEO_BUILD_FILES];

/**
 * The bytes of the geo data, handed in by the edge so the core reads no
 * files. Each reader throws {@link GeoDataError} when its data cannot be had.
 */
export interface GeoData {
  /** Where the data comes from (a folder), for messages. */
  readonly dir: string;
  /** Bytes of one output file of `scripts/build-geo.mjs`. */
  readonly buildFile: (name: GeoBuildFile) => Buffer;
  /**
   * A MaxMind DB (GeoLite2-City, GeoIP2-City, GeoLite2-Country,
   * GeoIP2-Country or a DB-IP mmdb) to take country, city and location from.
   * @default - the DB-IP Lite country database of the build: country only.
   */
  readonly database?: { readonly path: string; readonly bytes: () => Buffer };
}

/** Options of {@link createGeoLookup}. */
export interface GeoLookupOptions {
  /**
   * Slots of the result cache, rounded up to a power of two (at least 2,
   * at most 2^20); 0 turns it off. Direct-mapped, keyed by the parsed address: a hit costs a parse
   * and a compare, a miss nothing more than the lookup.
   * @default 4096
   */
  readonly cacheSize?: number;
}


/** Must equal GEO_FORMAT in scripts/build-geo.mjs. */
const GEO_FORMAT = 1;
const HEADER_BYTES = 16;
// Per-/16 bucket index after the range columns; see scripts/build-geo.mjs.
const BUCKETS = 65537;
const DEFAULT_CACHE_SIZE = 4096;
// Decoded mmdb records kept by data pointer: all of a country database,
// the busy part of a city one.
const PLACE_CACHE_SIZE = 65536;
const MEMO6_BITS = 12;
const MEMO6_SLOTS = 1 << MEMO6_BITS;

/**
 * Builds the lookup over `data` (build-geo's tables, and `data.database` if given).
 *
 * @throws GeoDataError when build-geo's output is missing, from another
 *   build or truncated, or `database` is not an mmdb file.
 */
export function createGeoLookup(data: GeoData, options: GeoLookupOptions = {}): GeoLookup {
  const t0 = performance.now();
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  const asn = new AsnTable(data);
  const places =
    data.database === undefined
      ? openMmdb(`${data.dir}/${GEO_BUILD_FILES.country}`, data.buildFile(GEO_BUILD_FILES.country), data.dir)
      : openMmdb(data.database.path, data.database.bytes());
  return new GeoLookupImpl(asn, places, cacheSize, performance.now() - t0);
}

// ---- caches ------------------------------------------------------------------

/**
 * Bounded map: two generations, the older dropped when the newer fills.
 * Cheaper than an LRU (no reordering on hit); used for decoded mmdb records,
 * which are few and hit far more often than they miss.
 */
class TwoGenerationCache<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  constructor(readonly limit: number) {}

  // Stryker disable next-line BlockStatement: a cache that never answers makes the caller decode the record again, to the same place
  get(key: K): V | undefined {
    let v = this.#young.get(key);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a miss here is asked of the old generation, then of the reader: the same place
    if (v !== undefined) return v;
    v = this.#old.get(key);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: whether a hit in the old generation is kept young changes only what is kept
    if (v !== undefined) this.set(key, v);
    return v;
  }

  // Stryker disable next-line BlockStatement: a cache that keeps nothing makes the caller decode the record again, to the same place
  set(key: K, value: V): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: when the generations turn over changes only the memory held
    if (this.#young.size >= this.limit) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }
}

// ---- data files ----------------------------------------------------------------

function aligned(bytes: Buffer): Buffer {
  let buf = bytes;
  // Typed arrays need 4-byte alignment; a small file may sit in Node's pool.
  // Stryker disable next-line ConditionalExpression,ArithmeticOperator: copying an aligned buffer too gives the same bytes
  if (buf.byteOffset % 4 !== 0) {
    const copy = Buffer.alloc(buf.length);
    buf.copy(copy);
    buf = copy;
  }
  return buf;
}

function checkHeader(buf: Buffer, magic: string, file: string, dir: string): number {
  if (buf.length < HEADER_BYTES || buf.toString('latin1', 0, 4) !== magic) {
    throw new GeoDataError(`${file} is not a ${magic} table; rebuild with \`node scripts/build-geo.mjs --out ${dir} --force\``, file);
  }
  const format = buf.readUInt32LE(4);
  if (format !== GEO_FORMAT) {
    throw new GeoDataError(`${file} has format ${format}, this code reads ${GEO_FORMAT}; rebuild with \`node scripts/build-geo.mjs --out ${dir} --force\``, file);
  }
  return buf.readUInt32LE(8);
}

function words(buf: Buffer, offset: number, length: number, file: string): Uint32Array {
  if (offset + 4 * length > buf.length) throw new GeoDataError(`${file} is truncated`, file);
  return new Uint32Array(buf.buffer, buf.byteOffset + offset, length);
}

/** AS range tables: sorted disjoint inclusive ranges, binary-searched. */
class AsnTable {
  readonly v4Count: number;
  readonly v6Count: number;
  readonly #v4Start: Uint32Array;
  readonly #v4End: Uint32Array;
  readonly #v4As: Uint32Array;
  readonly #v4Bucket: Uint32Array;
  readonly #v6Start: Uint32Array;
  readonly #v6End: Uint32Array;
  readonly #v6As: Uint32Array;
  readonly #v6Bucket: Uint32Array;
  readonly #asns: Uint32Array;
  readonly #orgOffsets: Uint32Array;
  readonly #orgBytes: Buffer;
  readonly #orgs: (string | undefined)[];

  constructor(data: GeoData) {
    const { dir } = data;
    // Stryker disable next-line ConditionalExpression,BlockStatement: only a big-endian host takes this branch, and none runs the tests
    if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
      // Stryker disable next-line StringLiteral: as above, a big-endian host only
      throw new GeoDataError('the AS tables are little-endian; this host is not', dir);
    }
    const f4 = `${dir}/${GEO_BUILD_FILES.asnV4}`;
    const b4 = aligned(data.buildFile(GEO_BUILD_FILES.asnV4));
    const n4 = checkHeader(b4, 'FLA4', f4, dir);
    this.v4Count = n4;
    this.#v4Start = words(b4, HEADER_BYTES, n4, f4);
    this.#v4End = words(b4, HEADER_BYTES + 4 * n4, n4, f4);
    this.#v4As = words(b4, HEADER_BYTES + 8 * n4, n4, f4);
    this.#v4Bucket = words(b4, HEADER_BYTES + 12 * n4, BUCKETS, f4);

    const f6 = `${dir}/${GEO_BUILD_FILES.asnV6}`;
    const b6 = aligned(data.buildFile(GEO_BUILD_FILES.asnV6));
    const n6 = checkHeader(b6, 'FLA6', f6, dir);
    this.v6Count = n6;
    this.#v6Start = words(b6, HEADER_BYTES, 4 * n6, f6);
    this.#v6End = words(b6, HEADER_BYTES + 16 * n6, 4 * n6, f6);
    this.#v6As = words(b6, HEADER_BYTES + 32 * n6, n6, f6);
    this.#v6Bucket = words(b6, HEADER_BYTES + 36 * n6, BUCKETS, f6);

    const fo = `${dir}/${GEO_BUILD_FILES.asnOrgs}`;
    const bo = aligned(data.buildFile(GEO_BUILD_FILES.asnOrgs));
    const no = checkHeader(bo, 'FLAO', fo, dir);
    this.#asns = words(bo, HEADER_BYTES, no, fo);
    this.#orgOffsets = words(bo, HEADER_BYTES + 4 * no, no + 1, fo);
    this.#orgBytes = bo.subarray(HEADER_BYTES + 8 * no + 4);
    // Stryker disable next-line ArrayDeclaration: an array without its length holds the same undefined entries, filled on first use
    this.#orgs = new Array<string | undefined>(no);
  }

  /** Index into the AS table for an IPv4 address, or -1. */
  findV4(a: number): number {
    const starts = this.#v4Start;
    // Ranges before bucket[top] start below `a`; the answer is the last of
    // them or one in the bucket.
    const top = a >>> 16;
    let lo = this.#v4Bucket[top]!;
    // Stryker disable next-line ArithmeticOperator: two more entries searched start in the next /16, after the address, and are never taken
    let hi = this.#v4Bucket[top + 1]! - 1;
    let found = lo - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= a) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    // Stryker disable next-line ConditionalExpression: without the check, the end read at -1 is undefined, which no address is <=
    return found >= 0 && a <= this.#v4End[found]! ? this.#v4As[found]! : -1;
  }

  /** Index into the AS table for an IPv6 address (four words), or -1. */
  findV6(w: Uint32Array): number {
    const starts = this.#v6Start;
    const top = w[0]! >>> 16;
    let lo = this.#v6Bucket[top]!;
    // Stryker disable next-line ArithmeticOperator: two more entries searched start in the next /16, after the address, and are never taken
    let hi = this.#v6Bucket[top + 1]! - 1;
    let found = lo - 1;
    const w0 = w[0]!;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      // The first word decides almost always; compare the rest on a tie.
      const s0 = starts[mid * 4]!;
      // Stryker disable next-line ConditionalExpression: compare128 of all four words gives the same answer when the first words differ
      if (s0 < w0 || (s0 === w0 && compare128(starts, mid * 4, w) <= 0)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found >= 0 && compare128(this.#v6End, found * 4, w) >= 0 ? this.#v6As[found]! : -1;
  }

  asn(i: number): number {
    return this.#asns[i]!;
  }

  /** Organisation of AS table entry `i`, decoded on first use. */
  org(i: number): string {
    let s = this.#orgs[i];
    // Stryker disable next-line ConditionalExpression: decoding the name again gives the same string
    if (s === undefined) {
      s = this.#orgBytes.toString('utf8', this.#orgOffsets[i], this.#orgOffsets[i + 1]);
      this.#orgs[i] = s;
    }
    return s;
  }
}

/** Sign of (table[at..at+3] - w), both 128-bit numbers as 4 words. */
function compare128(table: Uint32Array, at: number, w: Uint32Array): number {
  for (let k = 0; k < 4; k++) {
    const a = table[at + k]!;
    const b = w[k]!;
    // Stryker disable next-line EqualityOperator: a and b differ here, so a <= b is a < b
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

// ---- mmdb ----------------------------------------------------------------------

/** The geo part of an mmdb record. */
interface Place {
  readonly country: string | undefined;
  readonly city: string | undefined;
  readonly location: GeoPoint | undefined;
}

const NO_PLACE: Place = Object.freeze({ country: undefined, city: undefined, location: undefined });

/**
 * An mmdb file. The search tree is walked here, on the address words the
 * caller already parsed; a record is decoded (by `maxmind`) once per data
 * pointer and then served from {@link PLACE_CACHE_SIZE} entries.
 */
class MmdbPlaces {
  readonly #reader: Reader<Record<string, unknown>>;
  readonly #db: Buffer;
  readonly #nodeCount: number;
  readonly #recordSize: number;
  readonly #nodeBytes: number;
  readonly #ipv6: boolean;
  readonly #ipv4Start: number;
  readonly #cache = new TwoGenerationCache<number, Place>(PLACE_CACHE_SIZE);
  readonly #memo4 = new Uint32Array(65536);
  readonly #memo6 = new Uint32Array(65536);
  // IPv6 allocations are /32 or longer, so the first word repeats: remember
  // the node 32 bits down as well, direct-mapped by that word (0 = empty).
  readonly #memo6Key = new Uint32Array(MEMO6_SLOTS);
  readonly #memo6Node = new Uint32Array(MEMO6_SLOTS);

  constructor(
    readonly path: string,
    db: Buffer,
  ) {
    this.#reader = new Reader<Record<string, unknown>>(db);
    const m = this.#reader.metadata;
    this.#db = db;
    this.#nodeCount = m.nodeCount;
    this.#recordSize = m.recordSize;
    this.#nodeBytes = m.nodeByteSize;
    this.#ipv6 = m.ipVersion === 6;
    // Stryker disable next-line ConditionalExpression,StringLiteral: maxmind's Reader has already refused every other record size
    if (![24, 28, 32].includes(m.recordSize)) throw new GeoDataError(`${path}: unsupported mmdb record size ${m.recordSize}`, path);
    // IPv4 addresses live under ::/96 of an IPv6 tree.
    let node = 0;
    if (this.#ipv6) for (let k = 0; k < 3; k++) node = this.#walk(node, 0, 0, 32);
    this.#ipv4Start = node;
  }

  get metadata(): { databaseType: string; buildEpoch: Date } {
    const m = this.#reader.metadata;
    return { databaseType: m.databaseType, buildEpoch: m.buildEpoch };
  }

  /** Follows bits `from` to `to - 1` (0: most significant) of `word` from `node`. */
  #walk(node: number, word: number, from: number, to: number): number {
    const db = this.#db;
    const nodeCount = this.#nodeCount;
    const size = this.#nodeBytes;
    switch (this.#recordSize) {
      case 24:
        for (let b = from; b < to && node < nodeCount; b++) {
          const o = node * size + ((word >>> (31 - b)) & 1) * 3;
          node = (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!;
        }
        return node;
      case 28:
        for (let b = from; b < to && node < nodeCount; b++) {
          const o = node * size;
          node =
            ((word >>> (31 - b)) & 1) === 0
              ? ((db[o + 3]! & 0xf0) << 20) | (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!
              : ((db[o + 3]! & 0x0f) << 24) | (db[o + 4]! << 16) | (db[o + 5]! << 8) | db[o + 6]!;
        }
        return node;
      default:
        for (let b = from; b < to && node < nodeCount; b++) node = db.readUInt32BE(node * size + ((word >>> (31 - b)) & 1) * 4);
        return node;
    }
  }

  /**
   * Place of an address parsed into `w` (family 4: `w[0]`; 6: `w[0..3]`).
   * `ip` is only used to decode a record not seen before.
   */
  find(family: 4 | 6, w: Uint32Array, ip: string): Place {
    const nodeCount = this.#nodeCount;
    const w0 = w[0]!;
    // The node 16 bits down is remembered per first 16 bits: half the walk.
    // 0 (the root) means not yet known; no walk reaches the root again.
    const top = w0 >>> 16;
    let node: number;
    if (family === 4) {
      node = this.#memo4[top]!;
      // Stryker disable next-line ConditionalExpression: walking the first 16 bits again reaches the same node
      if (node === 0) node = this.#memo4[top] = this.#walk(this.#ipv4Start, w0, 0, 16);
      node = this.#walk(node, w0, 16, 32);
    } else {
      if (!this.#ipv6) return NO_PLACE;
      // Stryker disable next-line ArithmeticOperator: a slot past the arrays is never found, so the first 32 bits are walked each time, to the same node
      const slot = Math.imul(w0, 0x9e3779b1) >>> (32 - MEMO6_BITS);
      node = this.#memo6Node[slot]!;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: walking more often reaches the same node; an empty slot's key, 0, is no public address's first word
      if (node === 0 || this.#memo6Key[slot] !== w0) {
        node = this.#memo6[top]!;
        // Stryker disable next-line ConditionalExpression: walking the first 16 bits again reaches the same node
        if (node === 0) node = this.#memo6[top] = this.#walk(0, w0, 0, 16);
        node = this.#walk(node, w0, 16, 32);
        this.#memo6Key[slot] = w0;
        this.#memo6Node[slot] = node;
      }
      // Stryker disable next-line LogicalOperator,ConditionalExpression,EqualityOperator: #walk leaves a leaf (data or nodeCount) as it is, and 128 bits always end at one
      for (let k = 1; k < 4 && node < nodeCount; k++) node = this.#walk(node, w[k]!, 0, 32);
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: for an address in no network the reader finds nothing too, which is NO_PLACE
    if (node <= nodeCount) return NO_PLACE;
    let place = this.#cache.get(node);
    // Stryker disable next-line ConditionalExpression: decoding the record again gives the same place
    if (place === undefined) {
      // Stryker disable next-line StringLiteral: for a dotted IPv4 address v4String(w0) writes the same text
      const key = family === 4 && ip.includes(':') ? v4String(w0) : ip;
      place = toPlace(this.#reader.get(key));
      this.#cache.set(node, place);
    }
    return place;
  }
}

function v4String(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

function openMmdb(path: string, db: Buffer, buildDir?: string): MmdbPlaces {
  const rebuild = buildDir === undefined ? '' : `; rebuild with \`node scripts/build-geo.mjs --out ${buildDir} --force\``;
  if (db[0] === 0x1f && db[1] === 0x8b) {
    throw new GeoDataError(`GeoIP database ${path} is gzip-compressed: extract the .mmdb file first`, path);
  }
  try {
    return new MmdbPlaces(path, db);
  } catch (err) {
    // Stryker disable next-line ConditionalExpression: no GeoDataError reaches here: the record-size check inside never fails (see MmdbPlaces)
    if (err instanceof GeoDataError) throw err;
    throw new GeoDataError(`GeoIP database ${path} is not a MaxMind DB (.mmdb) file: ${(err as Error).message}${rebuild}`, path, { cause: err });
  }
}

function field(o: unknown, key: string): unknown {
  // Stryker disable next-line ConditionalExpression: an mmdb record holds no null (the format has no such type), and maxmind returns null only for no record
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function coordinate(v: unknown): number | undefined {
  // Stryker disable next-line ConditionalExpression: Number.isFinite is false for every non-number, so `typeof v === 'number'` only narrows the type (the whole test made `true` is killed by the tests)
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Reads the MaxMind/DB-IP record shape (`country.iso_code`,
 * `city.names.en`, `location.latitude`) and the flat one of the
 * ip-location-db files (`country_code`, `city`, `latitude`).
 */
function toPlace(record: unknown): Place {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: for a record that is not an object every field read below is undefined, which is NO_PLACE too
  if (typeof record !== 'object' || record === null) return NO_PLACE;
  const country = text(field(field(record, 'country'), 'iso_code')) ?? text(field(record, 'country_code'));
  const cityField = field(record, 'city');
  const city = text(field(field(cityField, 'names'), 'en')) ?? text(cityField);
  const loc = field(record, 'location');
  const lat = coordinate(field(loc, 'latitude')) ?? coordinate(field(record, 'latitude'));
  const lon = coordinate(field(loc, 'longitude')) ?? coordinate(field(record, 'longitude'));
  const location = lat !== undefined && lon !== undefined ? Object.freeze({ lat, lon }) : undefined;
  if (country === undefined && city === undefined && location === undefined) return NO_PLACE;
  return Object.freeze({ country, city, location });
}

// ---- lookup --------------------------------------------------------------------

// Fibonacci hashing multiplier (2^32 / golden ratio).
const HASH = 0x9e3779b1;

class GeoLookupImpl implements GeoLookup {
  readonly metadata: GeoMetadata;
  readonly #asn: AsnTable;
  readonly #places: MmdbPlaces;
  readonly #w = new Uint32Array(4);
  // Direct-mapped result cache: slot = hash(address); a slot holds the
  // address (IPv4: one word, IPv6: four) and its result, null for "nothing
  // known", undefined for empty. Keyed by the parsed address, not the
  // string: no strings kept alive, no Map growth, no allocation.
  readonly #shift: number;
  readonly #keys4: Uint32Array;
  readonly #vals4: (GeoInfo | null | undefined)[];
  readonly #keys6: Uint32Array;
  readonly #vals6: (GeoInfo | null | undefined)[];

  constructor(asn: AsnTable, places: MmdbPlaces, cacheSize: number, loadMs: number) {
    this.#asn = asn;
    this.#places = places;
    // At least one bit: a shift by 32 is a shift by 0 in JavaScript, so one
    // slot would index far past the arrays and never be found again.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,MethodExpression: how many slots the cache has changes its speed and memory, not an answer
    const bits = cacheSize > 0 ? Math.min(20, Math.max(1, Math.ceil(Math.log2(cacheSize)))) : 0;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: one slot for cacheSize 0 sits past the arrays (a shift by 32 is by 0), so it is never found
    const slots = cacheSize > 0 ? 1 << bits : 0;
    this.#shift = 32 - bits;
    this.#keys4 = new Uint32Array(slots);
    this.#vals4 = new Array<GeoInfo | null | undefined>(slots).fill(undefined);
    this.#keys6 = new Uint32Array(4 * slots);
    // Stryker disable next-line ArrayDeclaration: an empty array reads undefined (a miss) in every slot, and grows as slots are written
    this.#vals6 = new Array<GeoInfo | null | undefined>(slots).fill(undefined);
    this.metadata = Object.freeze({
      database: places.path,
      ...places.metadata,
      asnRanges: Object.freeze({ v4: asn.v4Count, v6: asn.v6Count }),
      loadMs,
    });
  }

  lookup(ip: string): GeoInfo | undefined {
    const w = this.#w;
    const family = parsePublicAddress(ip, w);
    if (family === 0) return undefined;
    const w0 = w[0]!;
    // Stryker disable next-line ConditionalExpression: with no slots the slot index sits past the arrays, so the cache path misses every time and resolves
    if (this.#vals4.length === 0) return this.#resolve(family, ip) ?? undefined;
    if (family === 4) {
      const slot = Math.imul(w0, HASH) >>> this.#shift;
      const hit = this.#vals4[slot];
      // Stryker disable next-line ConditionalExpression: an empty slot's key, 0, is no public address
      if (hit !== undefined && this.#keys4[slot] === w0) return hit ?? undefined;
      const info = this.#resolve(4, ip);
      this.#keys4[slot] = w0;
      this.#vals4[slot] = info;
      return info ?? undefined;
    }
    const w1 = w[1]!;
    const w2 = w[2]!;
    const w3 = w[3]!;
    const h = Math.imul(w0, HASH) ^ Math.imul(w1 ^ 0x85ebca6b, HASH) ^ Math.imul(w2 ^ 0xc2b2ae35, HASH) ^ Math.imul(w3 ^ 0x27d4eb2f, HASH);
    const slot = Math.imul(h ^ (h >>> 15), HASH) >>> this.#shift;
    const k = this.#keys6;
    const at = slot * 4;
    const hit = this.#vals6[slot];
    // Stryker disable next-line ConditionalExpression: an empty slot's key, ::, is no public address
    if (hit !== undefined && k[at] === w0 && k[at + 1] === w1 && k[at + 2] === w2 && k[at + 3] === w3) return hit ?? undefined;
    const info = this.#resolve(6, ip);
    k[at] = w0;
    k[at + 1] = w1;
    k[at + 2] = w2;
    k[at + 3] = w3;
    this.#vals6[slot] = info;
    return info ?? undefined;
  }

  /** The lookup proper, on the address parsed into #w; null if nothing is known. */
  #resolve(family: 4 | 6, ip: string): GeoInfo | null {
    const w = this.#w;
    const place = this.#places.find(family, w, ip);
    const as = family === 4 ? this.#asn.findV4(w[0]!) : this.#asn.findV6(w);
    if (as < 0) return place === NO_PLACE ? null : { country: place.country, city: place.city, location: place.location, asn: undefined, asOrg: undefined };
    const org = this.#asn.org(as);
    return { country: place.country, city: place.city, location: place.location, asn: this.#asn.asn(as), asOrg: org.length > 0 ? org : undefined };
  }
}
