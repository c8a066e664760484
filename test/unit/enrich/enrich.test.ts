import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGeo, DEFAULT_GEO_DIR } from '../../../scripts/build-geo.mjs';
import { openGeoLookup } from '../../../lambdas/shared/geo-files.js';
import { protocolName, tcpFlagNames, TCP_FLAGS } from '../../../src/enrich/enrich.js';
import type { GeoLookup } from '../../../src/enrich/geoip.js';
import { ENRICHMENT_FIELDS } from '../../../src/format/document.js';
import { DEFAULT_FORMAT } from '../../../src/format/flow-log-schema.js';
import { RecordParser, type FlowLogDocument } from '../../../src/format/parse.js';
import { writeMmdb } from '../../helpers/mmdb.js';

describe('protocolName', () => {
  it.each([
    [0, 'hopopt'], [1, 'icmp'], [2, 'igmp'], [4, 'ipv4'], [6, 'tcp'], [17, 'udp'], [41, 'ipv6'],
    [43, 'ipv6-route'], [44, 'ipv6-frag'], [47, 'gre'], [50, 'esp'], [51, 'ah'], [58, 'ipv6-icmp'],
    [59, 'ipv6-nonxt'], [60, 'ipv6-opts'], [88, 'eigrp'], [89, 'ospf'], [103, 'pim'], [112, 'vrrp'],
    [115, 'l2tp'], [132, 'sctp'], [136, 'udplite'], [137, 'mpls-in-ip'], [143, 'ethernet'], [145, 'nsh'],
  ])('names protocol %i %s', (n, name) => {
    expect(protocolName(n)).toBe(name);
  });

  it.each([61, 63, 68, 99, 114, 148, 200, 253, 254, 255, 256, -1, 6.5, Number.NaN])('has no name for %d', (n) => {
    expect(protocolName(n)).toBeUndefined();
  });

  it('names every number from 0 to 147 but the five "any ..." ones', () => {
    const unnamed = Array.from({ length: 148 }, (_, n) => n).filter((n) => protocolName(n) === undefined);

    expect(unnamed).toEqual([61, 63, 68, 99, 114]);
  });

  it('gives lower-case names without spaces', () => {
    for (let n = 0; n < 256; n++) expect(protocolName(n) ?? 'x').toMatch(/^[a-z0-9][a-z0-9.+/-]*$/);
  });
});

describe('tcpFlagNames', () => {
  it.each([
    [0, []],
    [1, ['FIN']],
    [2, ['SYN']],
    [3, ['FIN', 'SYN']],
    [4, ['RST']],
    [18, ['SYN', 'ACK']],
    [19, ['FIN', 'SYN', 'ACK']],
    [27, ['FIN', 'SYN', 'PSH', 'ACK']],
    [194, ['SYN', 'ECE', 'CWR']],
    [255, [...TCP_FLAGS]],
  ])('names the flags of %i', (bits, names) => {
    expect(tcpFlagNames(bits)).toEqual(names);
  });

  it('ignores bits above CWR', () => {
    expect(tcpFlagNames(256 + 18)).toEqual(['SYN', 'ACK']);
  });

  it.each([-1, 1.5, Number.NaN])('returns no names for %d', (bits) => {
    expect(tcpFlagNames(bits)).toEqual([]);
  });

  it('returns one shared, frozen array per value', () => {
    expect(tcpFlagNames(18)).toBe(tcpFlagNames(18));
    expect(Object.isFrozen(tcpFlagNames(18))).toBe(true);
  });
});

// The parser is the one production path that enriches addresses: these tests go through it
// with the real bundled data (scripts/build-geo.mjs) and a city database of known content.
describe('RecordParser address enrichment', () => {
  const ADDRESS_KEYS = ENRICHMENT_FIELDS.map((f) => f.key).filter((k) => /^(src|dst)_/.test(k));
  let geo: GeoLookup;
  let scratch: string;
  let cityDb: string;

  /** The enrichment keys of the document the parser makes for a flow from `src` to `dst`. */
  function addressKeys(src: string, dst: string, lookup: GeoLookup | null = geo): Partial<FlowLogDocument> {
    const parser = new RecordParser(DEFAULT_FORMAT, lookup === null ? {} : { geo: lookup });
    const result = parser.parse(`2 123456789012 eni-0a1b2c3d ${src} ${dst} 443 49152 6 10 840 1700000000 1700000060 ACCEPT OK`);
    if (!result.ok) throw new Error(`did not parse: ${result.reason}`);
    return Object.fromEntries(Object.entries(result.value).filter(([k]) => ADDRESS_KEYS.includes(k)));
  }

  beforeAll(() => {
    buildGeo({ out: DEFAULT_GEO_DIR });
    geo = openGeoLookup({ dir: DEFAULT_GEO_DIR });
    scratch = mkdtempSync(join(tmpdir(), 'enrich-'));
    cityDb = join(scratch, 'GeoLite2-City.mmdb');
    writeFileSync(
      cityDb,
      writeMmdb('GeoLite2-City', [
        {
          network: '81.2.69.0/24',
          record: {
            city: { geoname_id: 2643743, names: { en: 'London' } },
            country: { geoname_id: 2635167, iso_code: 'GB', names: { en: 'United Kingdom' } },
            location: { accuracy_radius: 10, latitude: 51.5142, longitude: -0.0931 },
          },
        },
      ]),
    );
  }, 120_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('adds scope, country and AS for a public IPv4 source, only the scope for a private destination', () => {
    expect(addressKeys('1.1.1.1', '10.0.1.5')).toStrictEqual({
      src_addr_scope: 'public',
      dst_addr_scope: 'private',
      src_country: 'AU',
      src_asn: 13335,
      src_as_org: expect.stringMatching(/Cloudflare/i),
    });
  });

  it('enriches public IPv6 addresses on both sides', () => {
    const keys = addressKeys('2600:1f18:aaaa::1', '2606:4700:4700::1111');

    expect(keys).toMatchObject({ src_addr_scope: 'public', dst_addr_scope: 'public', dst_asn: 13335, src_as_org: expect.stringMatching(/Amazon/) });
  });

  it.each([
    ['100.64.0.1', 'shared'],
    ['172.31.0.9', 'private'],
    ['fd00::1', 'unique-local'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['127.0.0.1', 'loopback'],
    ['203.0.113.5', 'documentation'],
    ['2001:db8::1', 'documentation'],
  ])('gives %s the scope %s and no geo keys', (ip, scope) => {
    expect(addressKeys(ip, ip)).toStrictEqual({ src_addr_scope: scope, dst_addr_scope: scope });
  });

  it('looks up a NAT64 address (64:ff9b::/96) as the IPv4 address it carries', () => {
    const keys = addressKeys('64:ff9b::101:101', '10.0.0.1');

    expect(keys).toMatchObject({ src_addr_scope: 'public', src_asn: 13335, src_country: 'AU' });
  });

  it('takes city and location from a database of your own, AS from the bundled tables', () => {
    const withCity = openGeoLookup({ dir: DEFAULT_GEO_DIR, database: cityDb });

    const keys = addressKeys('81.2.69.142', '10.0.0.1', withCity);

    expect(keys).toMatchObject({ src_country: 'GB', src_city: 'London', src_location: { lat: 51.5142, lon: -0.0931 } });
    expect(keys.src_asn).toEqual(expect.any(Number));
  });

  it('adds scopes only when GeoIP is off', () => {
    expect(addressKeys('8.8.8.8', '10.0.0.1', null)).toStrictEqual({ src_addr_scope: 'public', dst_addr_scope: 'private' });
  });

  it('sets all twelve address keys, every one declared in src/format/document.ts, when both sides are known', () => {
    const declared = ENRICHMENT_FIELDS.map((f) => f.key);
    const keys = Object.keys(addressKeys('81.2.69.142', '81.2.69.143', openGeoLookup({ dir: DEFAULT_GEO_DIR, database: cityDb })));

    expect(keys.sort()).toEqual(
      ['addr_scope', 'country', 'city', 'location', 'asn', 'as_org'].flatMap((k) => [`src_${k}`, `dst_${k}`]).sort(),
    );
    expect(keys.every((k) => declared.includes(k))).toBe(true);
  });
});
