import { describe, expect, it } from 'vitest';
import { createTableStatement, dayFilter, partitionColumns, projectionProperties, tableColumns, tableLocation } from '../../../src/athena/athena-sql.js';
import { ConfigError } from '../../../src/errors.js';
import { DEFAULT_FORMAT, FLOW_LOG_FIELDS, formatOf } from '../../../src/format/flow-log-schema.js';
import { ATHENA_REPORTS, athenaReport, athenaReports, reportNeeds, STANDARD_REPORTS } from '../../../src/reports/catalog.js';

const TABLE = { database: 'vpcflowlogs', table: 'vpc_flow_logs' };
const LOCATION = { bucket: 'flow-log-bucket', prefix: 'vpc-flow-logs/', accountId: '123456789012', region: 'eu-west-1' };
const FULL_FORMAT = formatOf(FLOW_LOG_FIELDS.map((f) => f.name));

describe('tableColumns', () => {
  it('gives the default format the columns, names and types of the Athena guide, in order', () => {
    expect(tableColumns(DEFAULT_FORMAT).map((c) => `${c.name} ${c.type}`)).toEqual([
      'version int', 'account_id string', 'interface_id string', 'srcaddr string', 'dstaddr string', 'srcport int', 'dstport int',
      'protocol bigint', 'packets bigint', 'bytes bigint', 'start bigint', 'end bigint', 'action string', 'log_status string',
    ]);
  });

  it('follows a custom format: its fields, its order, the shared keys and types', () => {
    const format = formatOf(['bytes', 'pkt-srcaddr', 'tcp-flags', 'flow-direction', 'reject-reason']);

    expect(tableColumns(format)).toEqual(format.fields.map((f) => ({ name: f.key, type: f.glue, comment: f.description })));
    expect(tableColumns(format).map((c) => c.name)).toEqual(['bytes', 'pkt_srcaddr', 'tcp_flags', 'flow_direction', 'reject_reason']);
  });

  it('keeps every comment within Glue\'s 255 characters', () => {
    for (const c of [...tableColumns(FULL_FORMAT), ...partitionColumns()]) expect(c.comment.length, c.name).toBeLessThanOrEqual(255);
  });

  it('names no partition column like a data column', () => {
    const data = new Set(tableColumns(FULL_FORMAT).map((c) => c.name));

    expect(partitionColumns().map((c) => c.name)).toEqual(['aws_account_id', 'aws_region', 'day']);
    for (const p of partitionColumns()) expect(data.has(p.name), p.name).toBe(false);
  });
});

describe('createTableStatement', () => {
  it('declares a space-delimited external table over the flow-log prefix, header skipped, partitioned by account, region and day', () => {
    const sql = createTableStatement(TABLE, DEFAULT_FORMAT, LOCATION);

    expect(sql).toMatch(/^CREATE EXTERNAL TABLE IF NOT EXISTS `vpcflowlogs`\.`vpc_flow_logs` \(\n {2}`version` int COMMENT /);
    expect(sql).toContain("  `end` bigint COMMENT 'Unix seconds when the last packet");
    expect(sql).toContain('PARTITIONED BY (\n  `aws_account_id` string COMMENT');
    expect(sql).toContain("ROW FORMAT DELIMITED FIELDS TERMINATED BY ' '");
    expect(sql).toContain("LOCATION 's3://flow-log-bucket/vpc-flow-logs/AWSLogs/'");
    expect(sql).toContain("'skip.header.line.count' = '1'");
    expect(sql).not.toContain('projection');
  });

  it('escapes quotes in comments the Hive way', () => {
    expect(createTableStatement(TABLE, DEFAULT_FORMAT, LOCATION)).toContain("COMMENT 'Source address (for outgoing traffic, the interface\\'s private address).'");
  });

  it('adds the projection properties when asked', () => {
    const sql = createTableStatement(TABLE, DEFAULT_FORMAT, LOCATION, { projection: { from: '2024/01/01' } });

    expect(sql).toContain("'projection.enabled' = 'true'");
    expect(sql).toContain("'projection.day.range' = '2024/01/01,NOW'");
  });

  it('refuses names and locations that would need quoting', () => {
    expect(() => createTableStatement({ ...TABLE, table: 'a`b' }, DEFAULT_FORMAT, LOCATION)).toThrow(ConfigError);
    expect(() => createTableStatement(TABLE, DEFAULT_FORMAT, { ...LOCATION, prefix: "x'/" })).toThrow(ConfigError);
  });
});

describe('projectionProperties', () => {
  it('projects the one account and region, and every day up to today, onto the flow log\'s folders', () => {
    expect(projectionProperties(LOCATION)).toEqual({
      'projection.enabled': 'true',
      'projection.aws_account_id.type': 'enum',
      'projection.aws_account_id.values': '123456789012',
      'projection.aws_region.type': 'enum',
      'projection.aws_region.values': 'eu-west-1',
      'projection.day.type': 'date',
      'projection.day.range': 'NOW-5YEARS,NOW',
      'projection.day.format': 'yyyy/MM/dd',
      'projection.day.interval': '1',
      'projection.day.interval.unit': 'DAYS',
      'storage.location.template': 's3://flow-log-bucket/vpc-flow-logs/AWSLogs/${aws_account_id}/vpcflowlogs/${aws_region}/${day}/',
    });
  });

  it('maps a day to the same folder the partition function registers', () => {
    const template = projectionProperties(LOCATION)['storage.location.template']!;
    const folder = template.replace('${aws_account_id}', '123456789012').replace('${aws_region}', 'eu-west-1').replace('${day}', '2024/02/29');

    expect(folder).toBe('s3://flow-log-bucket/vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/29/');
    expect(folder.startsWith(tableLocation(LOCATION))).toBe(true);
  });
});

describe('athenaReports', () => {
  it('has a query for each standard report and top talkers, under their ids', () => {
    const { reports, skipped } = athenaReports(TABLE, DEFAULT_FORMAT);

    expect(reports.map((r) => r.id)).toEqual([...STANDARD_REPORTS.map((r) => r.id), 'top-talkers']);
    expect(reports.map((r) => r.title)).toEqual(ATHENA_REPORTS.map((r) => r.title));
    expect(skipped).toEqual([]);
  });

  it('bounds every query by a partition filter on day, and counts only records of flows', () => {
    for (const r of athenaReports(TABLE, DEFAULT_FORMAT, { days: 3 }).reports) {
      expect(r.sql, r.id).toContain(`FROM "vpcflowlogs"."vpc_flow_logs"\nWHERE day >= date_format(current_date - INTERVAL '2' DAY, '%Y/%m/%d')\n  AND log_status = 'OK'`);
    }
  });

  it('filters on action where the format has no log-status', () => {
    const r = athenaReport('bytes-over-time', TABLE, formatOf(['bytes', 'start', 'action']));

    expect('sql' in r && r.sql).toContain("AND action IN ('ACCEPT', 'REJECT')");
  });

  it('skips the reports whose fields the format lacks, naming them', () => {
    const { reports, skipped } = athenaReports(TABLE, formatOf(['srcaddr', 'dstaddr', 'bytes']));

    expect(reports.map((r) => r.id)).toEqual(['top-talkers']);
    expect(skipped).toContainEqual({ id: 'bytes-over-time', missing: ['start'] });
    expect(skipped).toContainEqual({ id: 'packets-per-interface', missing: ['packets', 'interface_id'] });
  });

  it('reads the shared REJECT semantics: rejected-by-port counts TCP, UDP and SCTP only', () => {
    const r = athenaReport('rejected-by-port', TABLE, DEFAULT_FORMAT);

    expect('sql' in r && r.sql).toContain("AND action = 'REJECT'\n  AND protocol IN (6, 17, 132)");
  });

  it('labels protocols with the shared IANA keywords', () => {
    const r = athenaReport('reject-by-protocol', TABLE, DEFAULT_FORMAT);

    expect('sql' in r && r.sql).toContain("WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp'");
  });

  it('cuts top-N reports at `top` rows, ties broken by key', () => {
    const r = athenaReport('top-talkers', TABLE, DEFAULT_FORMAT, { top: 25 });

    expect('sql' in r && r.sql).toMatch(/ORDER BY bytes DESC, srcaddr, dstaddr\nLIMIT 25$/);
  });

  it('needs only fields of the shared field list', () => {
    const keys = new Set(FLOW_LOG_FIELDS.map((f) => f.key));
    for (const { id } of ATHENA_REPORTS) for (const k of reportNeeds(id)) expect(keys.has(k), `${id}: ${k}`).toBe(true);
  });

  it('refuses a window of no days and a top of 0', () => {
    expect(() => dayFilter(0)).toThrow(ConfigError);
    expect(() => athenaReports(TABLE, DEFAULT_FORMAT, { top: 0 })).toThrow(ConfigError);
  });
});
