/**
 * The canonical document shape: what `flowlogs parse` prints, what the ingest
 * function indexes, what dead letters carry.
 *
 * A document holds each flow-log field once, under its Athena column name
 * (`srcaddr`, `dstport`, `log_status`), plus the enrichment keys below. The
 * ECS-style names (`source.ip`, `destination.port`, `event.action`, ...) are
 * OpenSearch `alias` fields in the index mapping that point at those keys:
 * queryable and aggregatable under either name, stored once. See README,
 * "Document shape".
 */
import type { SearchType } from './flow-log-schema.js';

/** Search types an enrichment field can have beyond the flow-log ones. */
export type EnrichmentSearchType = SearchType | 'date' | 'geo_point' | 'keyword';

/** One key the enrichment adds. */
export interface EnrichmentField {
  readonly key: string;
  readonly search: EnrichmentSearchType;
  readonly ecs?: string;
  readonly description: string;
}

/** Keys the enrichment step adds to a parsed record. */
export const ENRICHMENT_FIELDS: readonly EnrichmentField[] = Object.freeze([
  { key: '@timestamp', search: 'date', ecs: 'event.start', description: 'start, as a UTC date.' },
  { key: 'end_time', search: 'date', ecs: 'event.end', description: 'end, as a UTC date.' },
  { key: 'duration', search: 'long', description: 'end - start, in seconds.' },
  { key: 'protocol_name', search: 'keyword', ecs: 'network.transport', description: 'IANA keyword of the protocol, lower case (tcp, udp, icmp, ...).' },
  { key: 'tcp_flag_names', search: 'keyword', description: 'Names of the TCP flags set in tcp_flags (FIN, SYN, RST, PSH, ACK, URG, ECE, CWR).' },
  { key: 'src_addr_scope', search: 'keyword', description: 'public, private, loopback, link-local, multicast, shared, reserved, ... for srcaddr.' },
  { key: 'dst_addr_scope', search: 'keyword', description: 'The same for dstaddr.' },
  { key: 'src_country', search: 'keyword', ecs: 'source.geo.country_iso_code', description: 'ISO country of a public srcaddr.' },
  { key: 'dst_country', search: 'keyword', ecs: 'destination.geo.country_iso_code', description: 'ISO country of a public dstaddr.' },
  { key: 'src_city', search: 'keyword', ecs: 'source.geo.city_name', description: 'City of a public srcaddr (with a city database).' },
  { key: 'dst_city', search: 'keyword', ecs: 'destination.geo.city_name', description: 'City of a public dstaddr (with a city database).' },
  { key: 'src_location', search: 'geo_point', ecs: 'source.geo.location', description: 'Location of a public srcaddr (with a city database).' },
  { key: 'dst_location', search: 'geo_point', ecs: 'destination.geo.location', description: 'Location of a public dstaddr (with a city database).' },
  { key: 'src_asn', search: 'long', ecs: 'source.as.number', description: 'Autonomous system number of a public srcaddr.' },
  { key: 'dst_asn', search: 'long', ecs: 'destination.as.number', description: 'Autonomous system number of a public dstaddr.' },
  { key: 'src_as_org', search: 'keyword', ecs: 'source.as.organization.name', description: 'Organisation of that autonomous system.' },
  { key: 'dst_as_org', search: 'keyword', ecs: 'destination.as.organization.name', description: 'Organisation of that autonomous system.' },
  {
    key: 'utf8_replacements',
    search: 'integer',
    description: 'Characters replaced with U+FFFD because the record held bytes that were not UTF-8; absent for a clean record.',
  },
]);
