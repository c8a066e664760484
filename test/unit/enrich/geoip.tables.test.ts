/**
 * createGeoLookup over AS tables and a country database of known content
 * (test/helpers/geo-tables.ts, test/helpers/mmdb.ts): the first and last
 * address of each range, the gaps between them, ranges that cross a /16
 * bucket, IPv6 ranges that share their first 32 bits, and the result cache
 * when addresses share its slots. Complements geoip.test.ts, which looks up
 * the bundled real data.
 */
import { Reader } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { createGeoLookup, GEO_BUILD_FILES, type GeoInfo } from '../../../src/enrich/geoip.js';
import { GeoDataError } from '../../../src/errors.js';
import { geoData, misaligned, orgTable, v4Table, v6Table } from '../../helpers/geo-tables.js';
import { encodedLength, writeMmdb, type MmdbValue, type TestNetwork } from '../../helpers/mmdb.js';

// AS list: index -> number and organisation (documentation ASNs of RFC 5398, and two well-known ones).
const ORGS = [
  { asn: 13335, org: 'CLOUDFLARENET' },
  { asn: 64496, org: 'Example One' },
  { asn: 64497, org: '' },
  { asn: 15169, org: 'GOOGLE' },
  { asn: 64498, org: 'Zürich Netz' },
];

const V4 = [
  { start: '1.0.0.0', end: '1.0.0.255', as: 0 },
  { start: '1.0.4.0', end: '1.0.7.255', as: 1 },
  { start: '1.0.16.0', end: '1.0.16.0', as: 2 },
  { start: '1.0.64.0', end: '1.0.127.255', as: 4 },
  // Crosses from 8.8.x.x into the 8.9.x.x bucket.
  { start: '8.8.255.0', end: '8.9.0.255', as: 3 },
  { start: '100.128.0.0', end: '100.128.0.255', as: 1 },
];

const V6 = [
  { start: '2001:0db9:0000:0000:0000:0000:0000:0000', end: '2001:0db9:0000:0000:ffff:ffff:ffff:ffff', as: 1 },
  { start: '2001:0db9:0000:0001:0000:0000:0000:0000', end: '2001:0db9:0000:0001:ffff:ffff:ffff:ffff', as: 4 },
  { start: '2001:4860:0000:0000:0000:0000:0000:0000', end: '2001:4860:ffff:ffff:ffff:ffff:ffff:ffff', as: 3 },
  { start: '2606:4700:0000:0000:0000:0000:0000:0000', end: '2606:4700:ffff:ffff:ffff:ffff:ffff:ffff', as: 0 },
];

const COUNTRY = writeMmdb('DBIP-Country-Lite', [
  { network: '1.0.0.0/24', record: { country: { iso_code: 'AU' } } },
  { network: '9.9.9.0/24', record: { country: { iso_code: 'CH' } } },
  { network: '8.9.0.0/24', record: { country: { iso_code: 'US' } } },
]);

const files = (over: Partial<Record<string, Buffer>> = {}) =>
  geoData({ 'asn-v4.bin': v4Table(V4), 'asn-v6.bin': v6Table(V6), 'asn-orgs.bin': orgTable(ORGS), 'dbip-country.mmdb': COUNTRY, ...over });

/** The error a call throws. */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
  }
  throw new Error('expected an Error');
}

const info = (country: string | undefined, asn: number | undefined, asOrg: string | undefined): GeoInfo => ({ country, city: undefined, location: undefined, asn, asOrg });

describe('createGeoLookup, IPv4 ranges', () => {
  it('finds the AS of the first and last address of each range, and none in the gaps', () => {
    const geo = createGeoLookup(files(), { cacheSize: 0 });

    expect(geo.lookup('1.0.0.0')).toEqual(info('AU', 13335, 'CLOUDFLARENET'));
    expect(geo.lookup('1.0.0.255')).toEqual(info('AU', 13335, 'CLOUDFLARENET'));
    expect(geo.lookup('1.0.1.0')).toBeUndefined();
    expect(geo.lookup('1.0.3.255')).toBeUndefined();
    expect(geo.lookup('1.0.4.0')).toEqual(info(undefined, 64496, 'Example One'));
    expect(geo.lookup('1.0.7.255')).toEqual(info(undefined, 64496, 'Example One'));
    expect(geo.lookup('1.0.8.0')).toBeUndefined();
    expect(geo.lookup('1.0.15.255')).toBeUndefined();
    expect(geo.lookup('1.0.16.1')).toBeUndefined();
    expect(geo.lookup('1.0.63.255')).toBeUndefined();
    expect(geo.lookup('1.0.64.0')).toEqual(info(undefined, 64498, 'Zürich Netz'));
    expect(geo.lookup('1.0.127.255')).toEqual(info(undefined, 64498, 'Zürich Netz'));
    expect(geo.lookup('1.0.128.0')).toBeUndefined();
    expect(geo.lookup('0.255.255.255')).toBeUndefined();
    expect(geo.lookup('255.255.255.254')).toBeUndefined();
  });

  it('names no organisation for an AS that has none, and finds a one-address range', () => {
    const geo = createGeoLookup(files(), { cacheSize: 0 });

    expect(geo.lookup('1.0.16.0')).toEqual(info(undefined, 64497, undefined));
  });

  it('finds a range that starts in the /16 before the address', () => {
    const geo = createGeoLookup(files(), { cacheSize: 0 });

    expect(geo.lookup('8.8.255.0')).toEqual(info(undefined, 15169, 'GOOGLE'));
    expect(geo.lookup('8.9.0.5')).toEqual(info('US', 15169, 'GOOGLE'));
    expect(geo.lookup('8.9.0.255')).toEqual(info('US', 15169, 'GOOGLE'));
    expect(geo.lookup('8.9.1.0')).toBeUndefined();
    expect(geo.lookup('8.8.254.255')).toBeUndefined();
  });

  it('gives the country alone where no AS range holds the address', () => {
    const geo = createGeoLookup(files(), { cacheSize: 0 });

    expect(geo.lookup('9.9.9.9')).toEqual(info('CH', undefined, undefined));
  });

  it('looks up IPv4-mapped and NAT64 addresses as the IPv4 address they carry', () => {
    const geo = createGeoLookup(files(), { cacheSize: 0 });

    expect(geo.lookup('::ffff:9.9.9.9')).toEqual(info('CH', undefined, undefined));
    expect(geo.lookup('64:ff9b::100:401')).toEqual(info(undefined, 64496, 'Example One'));
    expect(geo.lookup('::ffff:1.0.0.7')).toEqual(info('AU', 13335, 'CLOUDFLARENET'));
  });
});

describe('createGeoLookup, IPv6 ranges', () => {
  it('tells apart ranges that share their first 32 bits, up to their last address', () => {
    const geo = createGeoLookup(files(), { cacheSize: 0 });

    expect(geo.lookup('2001:db9::')).toEqual(info(undefined, 64496, 'Example One'));
    expect(geo.lookup('2001:db9::ffff:ffff:ffff:ffff')).toEqual(info(undefined, 64496, 'Example One'));
    expect(geo.lookup('2001:db9:0:1::')).toEqual(info(undefined, 64498, 'Zürich Netz'));
    expect(geo.lookup('2001:db9:0:1:ffff:ffff:ffff:ffff')).toEqual(info(undefined, 64498, 'Zürich Netz'));
    expect(geo.lookup('2001:db9:0:2::')).toBeUndefined();
    expect(geo.lookup('2001:db9:1::1')).toBeUndefined();
  });

  it('finds no AS for an address below the first range of the table', () => {
    const geo = createGeoLookup(files(), { cacheSize: 0 });

    expect(geo.lookup('2000::1')).toBeUndefined();
    expect(geo.lookup('2001:db8:ffff:ffff::1')).toBeUndefined();
  });

  it('finds the ranges of other /16s and nothing between them', () => {
    const geo = createGeoLookup(files(), { cacheSize: 0 });

    expect(geo.lookup('2001:4860:4860::8888')).toEqual(info(undefined, 15169, 'GOOGLE'));
    expect(geo.lookup('2606:4700:4700::1111')).toEqual(info(undefined, 13335, 'CLOUDFLARENET'));
    expect(geo.lookup('2606:4701::1')).toBeUndefined();
    expect(geo.lookup('2001:4861::1')).toBeUndefined();
    expect(geo.lookup('2001:485f:ffff::1')).toBeUndefined();
    expect(geo.lookup('2400::1')).toBeUndefined();
  });
});

describe('createGeoLookup, its result cache', () => {
  // 64 IPv4 and 64 IPv6 addresses, each with its expected AS: many share the slots of a 2-slot cache.
  const v4 = Array.from({ length: 64 }, (_, i) => [`1.0.${i < 32 ? 0 : 64}.${i}`, i < 32 ? 13335 : 64498] as const);
  const v6 = Array.from({ length: 64 }, (_, i) => [`2001:db9:0:${i % 2}::${(i + 1).toString(16)}`, i % 2 === 0 ? 64496 : 64498] as const);

  for (const cacheSize of [1, 2, 3, 4096, 1 << 22]) {
    it(`answers every address with its own AS, twice over, with ${cacheSize} slots asked for`, () => {
      const geo = createGeoLookup(files(), { cacheSize });

      for (let round = 0; round < 2; round++) {
        for (const [ip, asn] of [...v4, ...v6]) expect(geo.lookup(ip)?.asn, `${ip} round ${round}`).toBe(asn);
        expect(geo.lookup('1.0.1.0')).toBeUndefined();
        expect(geo.lookup('2001:db9:0:2::')).toBeUndefined();
      }
    });
  }

  it('keeps an answer even with one slot asked for', () => {
    const geo = createGeoLookup(files(), { cacheSize: 1 });

    expect(geo.lookup('1.0.0.1')).toBe(geo.lookup('1.0.0.1'));
    expect(geo.lookup('2606:4700::1')).toBe(geo.lookup('2606:4700::1'));
  });

  it('never answers for another IPv6 address that differs in only one 32-bit word and shares its slot', () => {
    // Ranges that part on each word: the last (w3), the third (w2), the second (w1) and the first (w0).
    const v6 = v6Table([
      { start: '2001:0db9:0000:0002:0000:0000:0000:0000', end: '2001:0db9:0000:0002:0000:0000:7fff:ffff', as: 0 },
      { start: '2001:0db9:0000:0002:0000:0000:8000:0000', end: '2001:0db9:0000:0002:0000:0000:ffff:ffff', as: 1 },
      { start: '2001:0db9:0000:0002:0000:0001:0000:0000', end: '2001:0db9:0000:0002:0000:0001:ffff:ffff', as: 2 },
      { start: '2001:0db9:0000:0003:0000:0000:0000:0000', end: '2001:0db9:0000:0003:0000:0000:ffff:ffff', as: 3 },
      { start: '2001:0dba:0000:0002:0000:0000:0000:0000', end: '2001:0dba:0000:0002:0000:0000:ffff:ffff', as: 4 },
    ]);
    // Two slots: of 32 pairs, some share one (each does with even odds).
    const geo = createGeoLookup(files({ 'asn-v6.bin': v6 }), { cacheSize: 2 });
    const asn = (ip: string) => geo.lookup(ip)?.asn;

    for (let j = 1; j <= 32; j++) {
      const last = j.toString(16);
      expect(asn(`2001:db9:0:2:0:0:0:${last}`), `w3 ${last}`).toBe(13335);
      expect(asn(`2001:db9:0:2:0:0:8000:${last}`), `w3 ${last}`).toBe(64496);
      expect(asn(`2001:db9:0:2:0:0:0:${last}`), `w2 ${last}`).toBe(13335);
      expect(asn(`2001:db9:0:2:0:1:0:${last}`), `w2 ${last}`).toBe(64497);
      expect(asn(`2001:db9:0:2:0:0:0:${last}`), `w1 ${last}`).toBe(13335);
      expect(asn(`2001:db9:0:3:0:0:0:${last}`), `w1 ${last}`).toBe(15169);
      expect(asn(`2001:db9:0:2:0:0:0:${last}`), `w0 ${last}`).toBe(13335);
      expect(asn(`2001:dba:0:2:0:0:0:${last}`), `w0 ${last}`).toBe(64498);
    }
  });

  it('never answers for an IPv6 address whose second word is 0 with the AS of one whose second word is not', () => {
    // 2001:db9:0:1::/64 and 2001:db9:0:0::/64 are two ranges; 32 pairs, two slots.
    const geo = createGeoLookup(files(), { cacheSize: 2 });

    for (let j = 1; j <= 32; j++) {
      const last = j.toString(16);
      expect(geo.lookup(`2001:db9:0:1::${last}`)?.asn, `2001:db9:0:1::${last}`).toBe(64498);
      expect(geo.lookup(`2001:db9:0:0::${last}`)?.asn, `2001:db9:0:0::${last}`).toBe(64496);
    }
  });

  it('answers undefined for text that is not an address, whatever was looked up before', () => {
    const geo = createGeoLookup(files());

    expect(geo.lookup('2001:4860::1')?.asn).toBe(15169);
    expect(geo.lookup('not an address')).toBeUndefined();
    expect(geo.lookup('1.0.4.1')?.asn).toBe(64496);
    expect(geo.lookup('-')).toBeUndefined();
  });

  it('returns the same object for an address asked again, and a cached "nothing known" as undefined', () => {
    const geo = createGeoLookup(files());

    expect(geo.lookup('1.0.0.1')).toBe(geo.lookup('1.0.0.1'));
    expect(geo.lookup('2606:4700::1')).toBe(geo.lookup('2606:4700::1'));
    expect(geo.lookup('1.0.1.0')).toBeUndefined();
    expect(geo.lookup('1.0.1.0')).toBeUndefined();
    expect(geo.lookup('2400::1')).toBeUndefined();
    expect(geo.lookup('2400::1')).toBeUndefined();
  });
});

describe('createGeoLookup, the files it is handed', () => {
  it('reads tables at any byte offset', () => {
    const geo = createGeoLookup(
      geoData({ 'asn-v4.bin': misaligned(v4Table(V4)), 'asn-v6.bin': misaligned(v6Table(V6)), 'asn-orgs.bin': misaligned(orgTable(ORGS)), 'dbip-country.mmdb': COUNTRY }),
      { cacheSize: 0 },
    );

    expect(geo.lookup('1.0.4.1')).toEqual(info(undefined, 64496, 'Example One'));
    expect(geo.lookup('2001:4860::1')).toEqual(info(undefined, 15169, 'GOOGLE'));
  });

  it('describes what it loaded', () => {
    const geo = createGeoLookup(files());

    expect(geo.metadata).toMatchObject({ database: '/geo/dbip-country.mmdb', databaseType: 'DBIP-Country-Lite', asnRanges: { v4: 6, v6: 4 } });
    expect(geo.metadata.buildEpoch).toBeInstanceOf(Date);
    expect(geo.metadata.loadMs).toBeGreaterThanOrEqual(0);
  });

  it('names a file that is not a table, and says how to rebuild', () => {
    const open = () => createGeoLookup(files({ 'asn-v6.bin': Buffer.from('FLA4 and then some bytes') }));

    expect(open).toThrow(GeoDataError);
    expect(open).toThrow('/geo/asn-v6.bin is not a FLA6 table; rebuild with `node scripts/build-geo.mjs --out /geo --force`');
  });

  it('refuses a file shorter than a header', () => {
    expect(() => createGeoLookup(files({ 'asn-v4.bin': Buffer.from('FLA4') }))).toThrow('/geo/asn-v4.bin is not a FLA4 table');
    const header = Buffer.alloc(16);
    header.write('FLA4', 0, 'latin1');
    header.writeUInt32LE(1, 4);
    expect(() => createGeoLookup(files({ 'asn-v4.bin': header.subarray(0, 15) }))).toThrow('/geo/asn-v4.bin is not a FLA4 table');
  });

  it('names a table of another format version', () => {
    const other = Buffer.from(orgTable(ORGS));
    other.writeUInt32LE(2, 4);

    expect(() => createGeoLookup(files({ 'asn-orgs.bin': other }))).toThrow('/geo/asn-orgs.bin has format 2, this code reads 1; rebuild with `node scripts/build-geo.mjs --out /geo --force`');
  });

  it('names a truncated table', () => {
    const whole = v4Table(V4);

    expect(() => createGeoLookup(files({ 'asn-v4.bin': whole.subarray(0, whole.length - 4) }))).toThrow(new GeoDataError('/geo/asn-v4.bin is truncated', '/geo/asn-v4.bin'));
    expect(() => createGeoLookup(files({ 'asn-v4.bin': whole }))).not.toThrow();
    const headerOnly = Buffer.alloc(16);
    headerOnly.write('FLA4', 0, 'latin1');
    headerOnly.writeUInt32LE(1, 4);
    expect(() => createGeoLookup(files({ 'asn-v4.bin': headerOnly }))).toThrow('/geo/asn-v4.bin is truncated');
    const orgs = orgTable(ORGS);
    expect(() => createGeoLookup(files({ 'asn-orgs.bin': orgs.subarray(0, 16 + 4 * ORGS.length + 4 * ORGS.length) }))).toThrow('/geo/asn-orgs.bin is truncated');
  });

  it('names a country database that is not an mmdb file, with the rebuild hint', () => {
    expect(() => createGeoLookup(files({ [GEO_BUILD_FILES.country]: Buffer.from('not a database') }))).toThrow(
      /^GeoIP database \/geo\/dbip-country\.mmdb is not a MaxMind DB \(\.mmdb\) file: .*; rebuild with `node scripts\/build-geo\.mjs --out \/geo --force`$/,
    );
  });

  it('names a user database that is gzip-compressed or not an mmdb file, without the rebuild hint', () => {
    const data = (bytes: Buffer) => ({ ...files(), database: { path: '/data/GeoLite2-City.mmdb', bytes: () => bytes } });

    expect(() => createGeoLookup(data(Buffer.from([0x1f, 0x8b, 8, 0])))).toThrow('GeoIP database /data/GeoLite2-City.mmdb is gzip-compressed: extract the .mmdb file first');
    expect(() => createGeoLookup(data(Buffer.from([0x1f, 0x00, 8, 0])))).toThrow(/^GeoIP database \/data\/GeoLite2-City\.mmdb is not a MaxMind DB \(\.mmdb\) file: [^;]*$/);
    // The message ends with maxmind's own, and keeps its error as the cause.
    const bytes = Buffer.from([0x1f, 0x00, 8, 0]);
    const cause = errorOf(() => new Reader(bytes));
    const err = errorOf(() => createGeoLookup(data(bytes)));
    expect(err.message).toBe(`GeoIP database /data/GeoLite2-City.mmdb is not a MaxMind DB (.mmdb) file: ${cause.message}`);
    expect((err.cause as Error | undefined)?.message).toBe(cause.message);
    expect(() => createGeoLookup(data(Buffer.from([0x00, 0x8b, 8, 0])))).toThrow(/is not a MaxMind DB/);
  });
});

describe('createGeoLookup, the records of a user database', () => {
  // 9.0.x.x, 42.x.x.x and 148.64.x.x lie in no AS range of V4: what a lookup gives comes from the database alone.
  const networks: TestNetwork[] = [
    { network: '9.0.1.0/24', record: { country: { iso_code: 'DE' }, city: { names: { de: 'München' } } } },
    { network: '9.0.2.0/24', record: { country: { iso_code: '' }, city: { names: { en: '' } }, location: { latitude: 48.1, longitude: 11.6 } } },
    { network: '9.0.3.0/24', record: { city: { names: { en: 'Lyon' } } } },
    { network: '9.0.4.0/24', record: { country_code: 'FR', latitude: 45.76 } },
    { network: '9.0.5.0/24', record: { country_code: 'FR', longitude: 4.83 } },
    { network: '9.0.6.0/24', record: { country_code: 'FR', latitude: '45.76', longitude: '4.83' } },
    { network: '9.0.7.0/24', record: { continent: { code: 'EU' } } },
    { network: '9.0.8.0/24', record: { country_code: 'FR', latitude: Number.NaN, longitude: 4.83 } },
    { network: '42.0.0.0/8', record: { country: { iso_code: 'KR' } } },
    { network: '81.2.69.0/24', record: { country: { iso_code: 'GB' } } },
  ];
  const place = (country: string | undefined, city: string | undefined, location: { lat: number; lon: number } | undefined): GeoInfo => ({
    country,
    city,
    location,
    asn: undefined,
    asOrg: undefined,
  });

  it.each([24, 28, 32] as const)('reads only what each record holds, with %i-bit records', (recordSize) => {
    const db = writeMmdb('GeoLite2-City', networks, recordSize);
    const geo = createGeoLookup({ ...files(), database: { path: '/data/GeoLite2-City.mmdb', bytes: () => db } }, { cacheSize: 0 });

    // A city named in another language only, and empty names, are no city.
    expect(geo.lookup('9.0.1.1')).toEqual(place('DE', undefined, undefined));
    expect(geo.lookup('9.0.2.1')).toEqual(place(undefined, undefined, { lat: 48.1, lon: 11.6 }));
    expect(geo.lookup('9.0.3.1')).toEqual(place(undefined, 'Lyon', undefined));
    // A location needs both coordinates, each a finite number.
    for (const ip of ['9.0.4.1', '9.0.5.1', '9.0.6.1', '9.0.8.1']) expect(geo.lookup(ip), ip).toEqual(place('FR', undefined, undefined));
    // A record with nothing of ours, an address in no network: nothing known.
    expect(geo.lookup('9.0.7.1')).toBeUndefined();
    expect(geo.lookup('9.0.9.1')).toBeUndefined();
    // 148.64.145.64 starts with a 1 bit, under which the tree holds nothing.
    expect(geo.lookup('148.64.145.64')).toBeUndefined();
    expect(geo.lookup('81.2.69.1')).toEqual(place('GB', undefined, undefined));
    // An IPv4 database knows no IPv6 address, even one whose first 32 bits spell 42.0.0.0.
    expect(geo.lookup('42.0.0.1')).toEqual(place('KR', undefined, undefined));
    expect(geo.lookup('2a00::1')).toBeUndefined();
  });
});

describe('createGeoLookup, a 28-bit database whose records lie past 16 MiB of data (as in GeoLite2-City)', () => {
  /** A record of exactly `bytes` encoded bytes, to move the records after it: a map (1 byte), its key "p" (2), then bytes with their control bytes. */
  function padding(bytes: number): MmdbValue {
    const content = (controlBytes: number) => bytes - 3 - controlBytes;
    // A size is in the control byte below 29, then in 1, 2 or 3 more bytes below 285, 65,821 and beyond.
    const controlBytes = [1, 2, 3, 4].find((c) => content(c) < [29, 285, 65_821, Infinity][c - 1]! && content(c) >= [0, 29, 285, 65_821][c - 1]!)!;
    return { p: Buffer.alloc(content(controlBytes)) };
  }

  it('finds networks whose record needs the top 4 bits of its 28-bit value, read from the left and the right record', () => {
    // A record's value is node count + 16 + its data offset. Past 2^24 only the top 4 bits
    // (the middle byte's nibbles) tell records apart from tree nodes and from each other:
    // A (1.1.1.2, a left record) is 2^24 + node count, B (1.1.1.1, a right record) just below,
    // C (2.2.2.1, a right record) 2^24 + 2^16 + B's low 16 bits. The paddings take /1 and /2
    // networks, which add no tree node.
    const B = { country: { iso_code: 'AU' } };
    const A = { country: { iso_code: 'NZ' } };
    const C = { country: { iso_code: 'JP' } };
    const layout = (pad1: MmdbValue, pad2: MmdbValue): TestNetwork[] => [
      { network: '128.0.0.0/1', record: pad1 },
      { network: '1.1.1.1/32', record: B },
      { network: '1.1.1.2/32', record: A },
      { network: '64.0.0.0/2', record: pad2 },
      { network: '2.2.2.1/32', record: C },
    ];
    const nodeCount = new Reader<Record<string, unknown>>(writeMmdb('GeoLite2-City', layout({}, {}), 28)).metadata.nodeCount;
    const offsetA = 2 ** 24 - 16;
    const offsetB = offsetA - encodedLength(B);
    const valueB = nodeCount + 16 + offsetB;
    const offsetC = 2 ** 24 + 2 ** 16 + (valueB & 0xffff) - nodeCount - 16;
    const db = writeMmdb('GeoLite2-City', layout(padding(offsetB), padding(offsetC - offsetA - encodedLength(A))), 28);
    const geo = createGeoLookup({ ...files(), database: { path: '/data/GeoLite2-City.mmdb', bytes: () => db } }, { cacheSize: 0 });
    const country = (ip: string) => geo.lookup(ip)?.country;

    expect([valueB < 2 ** 24 + nodeCount, valueB >= 2 ** 24, db.length > offsetC + nodeCount * 7]).toEqual([true, true, true]);
    expect(['1.1.1.1', '1.1.1.2', '2.2.2.1'].map(country)).toEqual(['AU', 'NZ', 'JP']);
    expect(['1.1.1.0', '1.1.1.3', '2.2.2.0', '2.2.2.2'].map((ip) => geo.lookup(ip))).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('createGeoLookup, an IPv6 user database', () => {
  // 2a00:1::/32 and 9.0.x.x lie in no AS range of V6 and V4: what a lookup gives comes from the database alone.
  const networks: TestNetwork[] = [
    { network: '2a00:1:0:0:1:2::/96', record: { country: { iso_code: 'NL' } } },
    { network: '2a00:1:0:0:2::/80', record: { country: { iso_code: 'BE' } } },
    { network: '2a00:1:0:0:1:4:3:4/128', record: { country: { iso_code: 'LU' } } },
    { network: '9.0.1.0/24', record: { country: { iso_code: 'DE' } } },
  ];

  it.each([24, 28, 32] as const)('follows every 32-bit word of an address to networks longer than /64, and IPv4 under ::/96, with %i-bit records', (recordSize) => {
    const db = writeMmdb('GeoLite2-Country', networks, recordSize, 6);
    const geo = createGeoLookup({ ...files(), database: { path: '/data/GeoLite2-Country.mmdb', bytes: () => db } }, { cacheSize: 0 });
    const country = (ip: string) => geo.lookup(ip)?.country;

    expect(['2a00:1::1:2:0:1', '2a00:1::1:2:ffff:ffff', '2a00:1::2:5:6:7', '2a00:1::1:4:3:4', '9.0.1.7'].map(country)).toEqual(['NL', 'NL', 'BE', 'LU', 'DE']);
    expect(['2a00:1::1:3:0:0', '2a00:1::1:4:3:5', '2a00:1::3:0:0:0', '2a00:2::1:2:0:1', '9.0.2.7'].map(country)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
