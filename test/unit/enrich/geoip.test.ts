import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Reader } from 'maxmind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGeo, DEFAULT_GEO_DIR } from '../../../scripts/build-geo.mjs';
import { FlowLogError } from '../../../src/errors.js';
import { openGeoLookup } from '../../../lambdas/shared/geo-files.js';
import type { GeoLookup } from '../../../src/enrich/geoip.js';
import { GeoDataError } from '../../../src/errors.js';
import { writeMmdb, type TestNetwork } from '../../helpers/mmdb.js';

// ---- tests ------------------------------------------------------------------------

let geo: GeoLookup;
let scratch: string;

beforeAll(() => {
  // Idempotent: a few ms when geo-data/ is up to date, a couple of seconds on a fresh clone.
  buildGeo({ out: DEFAULT_GEO_DIR });
  geo = openGeoLookup({ dir: DEFAULT_GEO_DIR });
  scratch = mkdtempSync(join(tmpdir(), 'geoip-test-'));
}, 120_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('openGeoLookup with the bundled data', () => {
  it('finds Cloudflare for 1.1.1.1', () => {
    // Act
    const info = geo.lookup('1.1.1.1');

    // Assert
    expect(info?.asn).toBe(13335);
    expect(info?.asOrg).toMatch(/Cloudflare/);
    expect(info?.country).toMatch(/^[A-Z]{2}$/);
  });

  it('finds Google in the US for 8.8.8.8', () => {
    const info = geo.lookup('8.8.8.8');

    expect(info).toMatchObject({ country: 'US', asn: 15169 });
    expect(info?.asOrg).toMatch(/Google/);
    expect(info?.city).toBeUndefined();
    expect(info?.location).toBeUndefined();
  });

  it('finds Google for its public IPv6 resolver', () => {
    const info = geo.lookup('2001:4860:4860::8888');

    expect(info?.asn).toBe(15169);
    expect(info?.country).toMatch(/^[A-Z]{2}$/);
  });

  it('looks up IPv4-mapped and NAT64 addresses as their IPv4 address', () => {
    const direct = geo.lookup('8.8.8.8');

    expect(geo.lookup('::ffff:8.8.8.8')).toEqual(direct);
    expect(geo.lookup('64:ff9b::808:808')).toEqual(direct);
  });

  it('finds AWS for addresses in its ranges', () => {
    expect(geo.lookup('52.94.76.1')?.asOrg).toMatch(/Amazon/);
    expect(geo.lookup('3.208.0.1')?.asOrg).toMatch(/Amazon/);
  });

  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['100.64.1.2', 'shared (CGNAT)'],
    ['203.0.113.10', 'documentation'],
    ['198.51.100.10', 'documentation'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['fd00:ec2::254', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['not an address', 'not an address'],
    ['-', 'flow-log NODATA'],
  ])('does not look up %s (%s)', (ip) => {
    expect(geo.lookup(ip)).toBeUndefined();
  });

  it('returns the same answer from its cache', () => {
    const first = geo.lookup('1.0.0.1');

    expect(geo.lookup('1.0.0.1')).toBe(first);
  });

  it('gives the same answers with the cache off', () => {
    const uncached = openGeoLookup({ dir: DEFAULT_GEO_DIR, cacheSize: 0 });

    for (const ip of ['1.1.1.1', '8.8.8.8', '2001:4860:4860::8888', '52.94.76.1', '10.0.0.1']) {
      expect(uncached.lookup(ip), ip).toEqual(geo.lookup(ip));
    }
  });

  // Opened in the test, not in beforeAll, so the mutation run credits the tree walk's set-up to it.
  it('finds the countries maxmind finds, for IPv4 and IPv6 addresses, in the IPv6 tree of the bundled database', () => {
    const before = performance.now();
    const lookup = openGeoLookup({ dir: DEFAULT_GEO_DIR });
    const took = performance.now() - before;
    const reader = new Reader<Record<string, unknown>>(readFileSync(join(DEFAULT_GEO_DIR, 'dbip-country.mmdb')));

    expect(lookup.lookup('8.8.8.8')?.country).toBe('US');
    for (const ip of ['1.1.1.1', '81.2.69.142', '52.94.76.1', '2001:4860:4860::8888', '2a00:1450:4001:81b::200e', '2606:4700::1111']) {
      const country = reader.get(ip)?.country_code;
      expect(country, ip).toMatch(/^[A-Z]{2}$/);
      expect(lookup.lookup(ip)?.country, ip).toBe(country);
    }
    // The time it reports is its own, within the time the call took.
    expect(lookup.metadata.loadMs).toBeGreaterThanOrEqual(0);
    expect(lookup.metadata.loadMs).toBeLessThanOrEqual(took);
  });

  it('describes what it loaded', () => {
    expect(geo.metadata.database).toMatch(/dbip-country\.mmdb$/);
    expect(geo.metadata.asnRanges.v4).toBeGreaterThan(100_000);
    expect(geo.metadata.asnRanges.v6).toBeGreaterThan(10_000);
  });
});

describe('openGeoLookup errors', () => {
  it('tells how to build the data when the folder lacks it', () => {
    // Arrange
    const empty = mkdtempSync(join(scratch, 'empty-'));

    // Act
    const open = () => openGeoLookup({ dir: empty });

    // Assert
    expect(open).toThrow(GeoDataError);
    expect(open).toThrow(`node scripts/build-geo.mjs --out ${empty}`);
  });

  it('throws a FlowLogError', () => {
    expect(() => openGeoLookup({ dir: join(scratch, 'nowhere') })).toThrow(FlowLogError);
  });

  it('names a user database path that does not exist', () => {
    const path = join(scratch, 'GeoLite2-City.mmdb');

    const open = () => openGeoLookup({ dir: DEFAULT_GEO_DIR, database: path });

    expect(open).toThrow(GeoDataError);
    expect(open).toThrow(path);
  });

  it('refuses a user database that is not an mmdb file', () => {
    const path = join(scratch, 'not-a-db.mmdb');
    writeFileSync(path, 'hello\n');

    expect(() => openGeoLookup({ dir: DEFAULT_GEO_DIR, database: path })).toThrow(/not a MaxMind DB/);
  });

  it('asks for a gzip-compressed database to be extracted', () => {
    const path = join(scratch, 'GeoLite2-City.mmdb.gz');
    writeFileSync(path, gzipSync(Buffer.from('x')));

    expect(() => openGeoLookup({ dir: DEFAULT_GEO_DIR, database: path })).toThrow(/gzip/);
  });
});

describe('openGeoLookup with a user database', () => {
  let cityDb: string;

  beforeAll(() => {
    cityDb = join(scratch, 'GeoLite2-City.mmdb');
    writeFileSync(
      cityDb,
      writeMmdb('GeoLite2-City', [
        {
          network: '81.2.69.0/24',
          record: {
            city: { geoname_id: 2643743, names: { en: 'London', de: 'London' } },
            country: { geoname_id: 2635167, iso_code: 'GB', names: { en: 'United Kingdom' } },
            location: { accuracy_radius: 10, latitude: 51.5142, longitude: -0.0931, time_zone: 'Europe/London' },
          },
        },
        // The flat shape of the ip-location-db city files.
        { network: '8.8.4.0/24', record: { country_code: 'FR', city: 'Paris', latitude: 48.8534, longitude: 2.3488 } },
        // Country only, as in a Country database.
        { network: '1.1.1.0/24', record: { country: { iso_code: 'AU', names: { en: 'Australia' } } } },
      ]),
    );
  });

  it('takes country, city and location from a GeoLite2-City record', () => {
    // Arrange
    const lookup = openGeoLookup({ dir: DEFAULT_GEO_DIR, database: cityDb });

    // Act
    const info = lookup.lookup('81.2.69.142');

    // Assert
    expect(info).toMatchObject({ country: 'GB', city: 'London', location: { lat: 51.5142, lon: -0.0931 } });
    expect(info?.asn).toBeTypeOf('number');
  });

  it('reads the flat ip-location-db record shape', () => {
    const lookup = openGeoLookup({ dir: DEFAULT_GEO_DIR, database: cityDb });

    expect(lookup.lookup('8.8.4.4')).toMatchObject({ country: 'FR', city: 'Paris', location: { lat: 48.8534, lon: 2.3488 }, asn: 15169 });
  });

  it('gives only a country for a country record', () => {
    const lookup = openGeoLookup({ dir: DEFAULT_GEO_DIR, database: cityDb });

    const info = lookup.lookup('1.1.1.1');

    expect(info).toMatchObject({ country: 'AU', asn: 13335 });
    expect(info?.city).toBeUndefined();
    expect(info?.location).toBeUndefined();
  });

  it('replaces the bundled country data: an address it lacks still gets its AS', () => {
    const lookup = openGeoLookup({ dir: DEFAULT_GEO_DIR, database: cityDb });

    const info = lookup.lookup('8.8.8.8');

    expect(info?.country).toBeUndefined();
    expect(info?.asn).toBe(15169);
  });

  it.each([28, 32] as const)('reads a database with %i-bit records as one with 24-bit records', (recordSize) => {
    // Same networks, another search-tree layout: every address of each network and just outside them.
    const networks: TestNetwork[] = [
      { network: '81.2.69.0/24', record: { country: { iso_code: 'GB' }, city: { names: { en: 'London' } }, location: { latitude: 51.5142, longitude: -0.0931 } } },
      { network: '8.8.4.0/23', record: { country_code: 'FR', city: 'Paris', latitude: 48.8534, longitude: 2.3488 } },
      { network: '1.1.1.128/25', record: { country: { iso_code: 'AU' } } },
    ];
    const db = join(scratch, `GeoLite2-City-${recordSize}.mmdb`);
    writeFileSync(db, writeMmdb('GeoLite2-City', networks, recordSize));
    const lookup = openGeoLookup({ dir: DEFAULT_GEO_DIR, database: db });
    const country = (ip: string) => lookup.lookup(ip)?.country;

    expect(lookup.lookup('81.2.69.142')).toMatchObject({ country: 'GB', city: 'London', location: { lat: 51.5142, lon: -0.0931 } });
    expect(lookup.lookup('8.8.5.255')).toMatchObject({ country: 'FR', city: 'Paris' });
    expect([country('81.2.69.0'), country('81.2.69.255'), country('81.2.70.0'), country('81.2.68.255')]).toEqual(['GB', 'GB', undefined, undefined]);
    expect([country('8.8.4.0'), country('8.8.3.255'), country('8.8.6.0')]).toEqual(['FR', undefined, undefined]);
    expect([country('1.1.1.128'), country('1.1.1.255'), country('1.1.1.127')]).toEqual(['AU', 'AU', undefined]);
  });

  it('reports the database it uses', () => {
    const lookup = openGeoLookup({ dir: DEFAULT_GEO_DIR, database: cityDb });

    expect(lookup.metadata).toMatchObject({ database: cityDb, databaseType: 'GeoLite2-City' });
  });
});

describe('buildGeo', () => {
  it('does nothing when the output is up to date', () => {
    const summary = buildGeo({ out: DEFAULT_GEO_DIR });

    expect(summary.upToDate).toBe(true);
    expect(summary.v4Ranges).toBeGreaterThan(100_000);
  });
});
