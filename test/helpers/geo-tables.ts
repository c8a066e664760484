/**
 * AS range tables of known content, in the file format scripts/build-geo.mjs
 * documents at its top (written here from that description, not with its
 * encoder), so a test can look addresses up against ranges it chose:
 *
 *   header   magic[4] ('FLA4' | 'FLA6' | 'FLAO'), u32 format, u32 count, u32 extra
 *   FLA4     u32 start[count], u32 end[count], u32 as[count], u32 bucket[65537]
 *   FLA6     u32 start[count*4], u32 end[count*4], u32 as[count], u32 bucket[65537]
 *   FLAO     u32 asn[count], u32 orgOffset[count+1], utf8 org bytes
 *
 * All little-endian; bucket[k] is the first range whose start's top 16 bits
 * are k or more.
 */
import type { GeoBuildFile, GeoData } from '../../src/enrich/geoip.js';

const BUCKETS = 65537;

/** One AS: its number and organisation ('' for none). */
export interface AsEntry {
  readonly asn: number;
  readonly org: string;
}

/** An IPv4 range, both ends included, as dotted quads; `as` indexes the AS list. */
export interface V4Range {
  readonly start: string;
  readonly end: string;
  readonly as: number;
}

/** An IPv6 range, both ends included, as eight full hex groups (no "::"). */
export interface V6Range {
  readonly start: string;
  readonly end: string;
  readonly as: number;
}

function header(magic: string, count: number, extra: number, bodyWords: number, tailBytes = 0): Buffer {
  const buf = Buffer.alloc(16 + 4 * bodyWords + tailBytes);
  buf.write(magic, 0, 'latin1');
  buf.writeUInt32LE(1, 4);
  buf.writeUInt32LE(count, 8);
  buf.writeUInt32LE(extra, 12);
  return buf;
}

const v4 = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const v6 = (s: string): number[] => {
  const g = s.split(':').map((x) => parseInt(x, 16));
  if (g.length !== 8) throw new Error(`write all eight groups: ${s}`);
  return [0, 2, 4, 6].map((i) => g[i]! * 65536 + g[i + 1]!);
};

function buckets(buf: Buffer, at: number, tops: readonly number[]): void {
  let i = 0;
  for (let k = 0; k < BUCKETS; k++) {
    while (i < tops.length && tops[i]! < k) i++;
    buf.writeUInt32LE(i, at + 4 * k);
  }
}

/** The FLA4 file of sorted, disjoint ranges. */
export function v4Table(ranges: readonly V4Range[]): Buffer {
  const n = ranges.length;
  const buf = header('FLA4', n, 0, 3 * n + BUCKETS);
  ranges.forEach((r, i) => {
    buf.writeUInt32LE(v4(r.start), 16 + 4 * i);
    buf.writeUInt32LE(v4(r.end), 16 + 4 * (n + i));
    buf.writeUInt32LE(r.as, 16 + 4 * (2 * n + i));
  });
  buckets(buf, 16 + 12 * n, ranges.map((r) => Math.floor(v4(r.start) / 65536)));
  return buf;
}

/** The FLA6 file of sorted, disjoint ranges. */
export function v6Table(ranges: readonly V6Range[]): Buffer {
  const n = ranges.length;
  const buf = header('FLA6', n, 0, 9 * n + BUCKETS);
  ranges.forEach((r, i) => {
    v6(r.start).forEach((w, k) => buf.writeUInt32LE(w, 16 + 4 * (4 * i + k)));
    v6(r.end).forEach((w, k) => buf.writeUInt32LE(w, 16 + 4 * (4 * n + 4 * i + k)));
    buf.writeUInt32LE(r.as, 16 + 4 * (8 * n + i));
  });
  buckets(buf, 16 + 36 * n, ranges.map((r) => Math.floor(v6(r.start)[0]! / 65536)));
  return buf;
}

/** The FLAO file of AS numbers and organisations. */
export function orgTable(entries: readonly AsEntry[]): Buffer {
  const n = entries.length;
  const blob = Buffer.from(entries.map((e) => e.org).join(''), 'utf8');
  const buf = header('FLAO', n, blob.length, 2 * n + 1, blob.length);
  let off = 0;
  entries.forEach((e, i) => {
    buf.writeUInt32LE(e.asn, 16 + 4 * i);
    buf.writeUInt32LE(off, 16 + 4 * (n + i));
    off += Buffer.byteLength(e.org, 'utf8');
  });
  buf.writeUInt32LE(off, 16 + 4 * (2 * n));
  blob.copy(buf, 16 + 8 * n + 4);
  return buf;
}

/** The same bytes at an address that is not a multiple of 4, as a small file read into Node's buffer pool can be. */
export function misaligned(bytes: Buffer): Buffer {
  const holder = Buffer.alloc(bytes.length + 1);
  bytes.copy(holder, 1);
  return holder.subarray(1);
}

/** GeoData over the given files; a missing one throws as the edge's reader does. */
export function geoData(files: Partial<Record<GeoBuildFile, Buffer>>, dir = '/geo'): GeoData {
  return {
    dir,
    buildFile: (name) => {
      const b = files[name];
      if (b === undefined) throw new Error(`${dir}/${name} is missing`);
      return b;
    },
  };
}
