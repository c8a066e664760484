/**
 * The standard reports, by id. Each engine (OpenSearch aggregations, Athena
 * named queries, CloudWatch Logs Insights query definitions, the demo's
 * tables) implements them under these ids, so a report has one name
 * everywhere.
 */
export interface ReportDef {
  /** Stable id: file names, named-query names, test names. */
  readonly id: string;
  /** Human title, as printed and as shown in consoles. */
  readonly title: string;
}

/** The eight standard reports, in the order they are printed. */
export const STANDARD_REPORTS = [
  { id: 'accept-reject-ratio', title: 'ACCEPT/REJECT ratio' },
  { id: 'reject-by-protocol', title: 'REJECTed records by protocol' },
  { id: 'top-rejected-sources', title: 'Top REJECTed source IPs' },
  { id: 'rejected-by-port', title: 'REJECTed traffic by destination port' },
  { id: 'bytes-over-time', title: 'Bytes over time' },
  { id: 'bytes-per-interface', title: 'Bytes per interface' },
  { id: 'packets-over-time', title: 'Packets over time' },
  { id: 'packets-per-interface', title: 'Packets per interface' },
] as const satisfies readonly ReportDef[];

/** Extra reports some engines offer beyond the standard eight. */
export const EXTRA_REPORTS = [{ id: 'top-talkers', title: 'Top talkers (bytes by source and destination)' }] as const satisfies readonly ReportDef[];

export type StandardReportId = (typeof STANDARD_REPORTS)[number]['id'];
