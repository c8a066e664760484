/**
 * Every SQL string the project ships, parsed by the grammar of the engine that
 * runs it (test/sql/: Trino's own parser for Athena queries, Hive's own parser
 * for Athena DDL):
 *
 * - the CREATE EXTERNAL TABLE statement for the default format and for a
 *   custom format with every field, with and without partition projection;
 * - the ALTER TABLE ADD PARTITION statements of the daily plan, of a backfill
 *   split over several statements, and of `flowlogs partitions --dry-run`;
 * - the report queries for several formats, and the named queries exactly as
 *   the CDK app puts them in its template;
 * - the `sql` (Trino) and `hiveql` (Hive) blocks of the Athena docs, which must
 *   also equal what the code writes for the same values.
 *
 * Deliberately broken statements must be rejected, so the check cannot pass
 * by parsing nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { AthenaAnalytics } from '../../lib/constructs/athena-analytics.js';
import { createTableStatement } from '../../src/athena/athena-sql.js';
import { athenaReport, athenaReports } from '../../src/reports/catalog.js';
import { DEFAULT_FORMAT, FLOW_LOG_FIELDS, formatOf } from '../../src/format/flow-log-schema.js';
import { addPartitionsStatement, addPartitionsStatements, dayRange, planDailyPartitions } from '../../src/athena/partitions.js';
import { LOCATION, PARTITION_TEST_ENV, TABLE } from '../helpers/partition-fixtures.js';
import { runCli } from '../helpers/run-cli.js';
import { checkSql, ensureSqlCheckBuilt, type SqlInput, type SqlVerdict } from '../sql/sql-check.js';

const FULL_FORMAT = formatOf(FLOW_LOG_FIELDS.map((f) => f.name));
// No log-status, protocol, packets or interface-id: the reports that can do without them must adapt, the rest are skipped.
const SMALL_FORMAT = formatOf(['srcaddr', 'dstaddr', 'dstport', 'bytes', 'start', 'action']);

/** The named queries of a synthesized AthenaAnalytics, as CloudFormation gets them. */
function templateQueries(): Map<string, string> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Sql');
  new AthenaAnalytics(stack, 'AthenaAnalytics', { bucket: new Bucket(stack, 'Logs'), prefix: 'vpc-flow-logs/', format: FULL_FORMAT });
  const queries = new Map<string, string>();
  for (const r of Object.values(Template.fromStack(stack).findResources('AWS::Athena::NamedQuery'))) {
    const p = r.Properties as { Name: string; QueryString: unknown };
    if (typeof p.QueryString !== 'string') throw new Error(`named query ${p.Name} has an unresolved query string`);
    queries.set(p.Name, p.QueryString);
  }
  return queries;
}

function dryRunStatements(): string[] {
  const r = runCli(['partitions', '--from', '2023-12-30', '--to', '2024-03-01', '--dry-run'], '', PARTITION_TEST_ENV);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout
    .split(';\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Where the Athena docs live (docs/athena.md, or its copy merged into the README). */
const DOC_FILES = ['docs/athena.md', 'README.md'].map((f) => fileURLToPath(new URL(`../../${f}`, import.meta.url)));

/** The fenced `sql` and `hiveql` blocks of the docs. */
function docBlocks(): { file: string; dialect: 'trino' | 'hive'; sql: string }[] {
  return DOC_FILES.filter((f) => existsSync(f)).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^```(sql|hiveql)\n([\s\S]*?)^```$/gm)].map((m) => ({ file, dialect: m[1] === 'sql' ? ('trino' as const) : ('hive' as const), sql: m[2]!.trimEnd() })),
  );
}

const inputs: SqlInput[] = [];
const add = (name: string, dialect: SqlInput['dialect'], sql: string) => inputs.push({ name, dialect, sql });

// ---- DDL (Hive) ----
add('ddl-default', 'hive', createTableStatement(TABLE, DEFAULT_FORMAT, LOCATION));
add('ddl-full', 'hive', createTableStatement(TABLE, FULL_FORMAT, LOCATION));
add('ddl-default-projection', 'hive', createTableStatement(TABLE, DEFAULT_FORMAT, LOCATION, { projection: true }));
add('ddl-full-projection', 'hive', createTableStatement(TABLE, FULL_FORMAT, { ...LOCATION, prefix: '' }, { projection: { from: '2024/01/01' } }));
const daily = planDailyPartitions({ today: '2024-12-31', lookbackDays: 7, daysWithData: ['2024-12-24', '2024-12-29', '2024-12-30'] });
add('partitions-daily', 'hive', addPartitionsStatement(TABLE, LOCATION, daily.days));
add('partitions-leap-day', 'hive', addPartitionsStatement(TABLE, LOCATION, dayRange('2024-02-28', '2024-03-01')));
const chunked = addPartitionsStatements(TABLE, LOCATION, dayRange('2023-12-01', '2024-03-31'), 4_000);
chunked.forEach((sql, i) => add(`partitions-chunk-${i}`, 'hive', sql));
// ---- queries (Trino) ----
for (const [label, format] of [['default', DEFAULT_FORMAT], ['full', FULL_FORMAT], ['small', SMALL_FORMAT]] as const) {
  for (const r of athenaReports(TABLE, format).reports) add(`query-${label}-${r.id}`, 'trino', r.sql);
}
// ---- the docs ----
const docs = docBlocks();
docs.forEach((b, i) => add(`doc-${i}`, b.dialect, b.sql));
// ---- deliberately broken: must be rejected ----
add('broken-query', 'trino', athenaReports(TABLE, DEFAULT_FORMAT).reports[0]!.sql.replace('GROUP BY', 'GROUP'));
add('broken-ddl', 'hive', createTableStatement(TABLE, DEFAULT_FORMAT, LOCATION).replace('PARTITIONED BY (', 'PARTITIONED BY '));
add('broken-partitions', 'hive', addPartitionsStatement(TABLE, LOCATION, ['2024-02-29']).replace(' LOCATION ', ' '));

describe('the SQL the project ships', () => {
  let verdicts: Map<string, SqlVerdict>;
  let dryRun: string[];

  beforeAll(async () => {
    await ensureSqlCheckBuilt();
    dryRun = dryRunStatements();
    dryRun.forEach((sql, i) => add(`cli-dry-run-${i}`, 'hive', sql));
    for (const [name, sql] of templateQueries()) add(`template-${name}`, 'trino', sql);
    verdicts = await checkSql(inputs);
  }, 600_000);

  const verdict = (name: string): SqlVerdict => {
    const v = verdicts.get(name);
    if (!v) throw new Error(`no verdict for ${name}`);
    return v;
  };

  it('parses every statement but the broken ones', () => {
    const failed = [...verdicts].filter(([name, v]) => !v.ok && !name.startsWith('broken-')).map(([name, v]) => `${name}: ${v.detail}`);

    expect(failed).toEqual([]);
    expect(verdicts.size).toBe(inputs.length);
  });

  it('rejects each deliberately broken statement, with the parser error', () => {
    for (const name of ['broken-query', 'broken-ddl', 'broken-partitions']) {
      expect(verdict(name).ok, name).toBe(false);
      expect(verdict(name).detail, name).toMatch(/line \d+:\d+/);
    }
  });

  it('reads the DDL as CREATE TABLE with one column per field plus the three partition columns', () => {
    expect(verdict('ddl-default').detail).toBe(`TOK_CREATETABLE columns=${DEFAULT_FORMAT.fields.length + 3} properties=2`);
    expect(verdict('ddl-full').detail).toBe(`TOK_CREATETABLE columns=${FLOW_LOG_FIELDS.length + 3} properties=2`);
    expect(verdict('ddl-default-projection').detail).toBe(`TOK_CREATETABLE columns=17 properties=13`);
    expect(verdict('ddl-full-projection').detail).toBe(`TOK_CREATETABLE columns=${FLOW_LOG_FIELDS.length + 3} properties=13`);
  });

  it('reads each partition statement as ALTER TABLE with one partition spec per day', () => {
    expect(verdict('partitions-daily').detail).toBe(`TOK_ALTERTABLE partitions=${daily.days.length}`);
    expect(verdict('partitions-leap-day').detail).toBe('TOK_ALTERTABLE partitions=3');
    expect(chunked.length).toBeGreaterThan(1);
    const perChunk = chunked.map((_, i) => Number(/partitions=(\d+)/.exec(verdict(`partitions-chunk-${i}`).detail)?.[1]));
    expect(perChunk.reduce((a, b) => a + b, 0)).toBe(dayRange('2023-12-01', '2024-03-31').length);
  });

  it('reads the dry run of flowlogs partitions as ALTER TABLE statements for every day of the range', () => {
    const days = dryRun.map((_, i) => Number(/partitions=(\d+)/.exec(verdict(`cli-dry-run-${i}`).detail)?.[1]));

    expect(days.reduce((a, b) => a + b, 0)).toBe(dayRange('2023-12-30', '2024-03-01').length);
  });

  it('parses the SQL of the docs, which shows what the code writes', () => {
    const docLocation = { bucket: 'amzn-s3-demo-bucket', prefix: 'vpc-flow-logs/', accountId: '111122223333', region: 'eu-west-1' };
    const topTalkers = athenaReport('top-talkers', TABLE, DEFAULT_FORMAT);
    const generated = [
      createTableStatement(TABLE, DEFAULT_FORMAT, docLocation),
      addPartitionsStatement(TABLE, docLocation, planDailyPartitions({ today: '2024-03-01', lookbackDays: 7, daysWithData: ['2024-02-28', '2024-02-29'] }).days),
      'sql' in topTalkers ? topTalkers.sql : '',
    ];

    expect(docs.map((b) => b.sql)).toEqual(expect.arrayContaining(generated));
    docs.forEach((b, i) => expect(verdict(`doc-${i}`).ok, `${b.file} block ${i}: ${verdict(`doc-${i}`).detail}`).toBe(true));
  });

  it('reads every report and named query as a query', () => {
    const queries = [...verdicts].filter(([name]) => name.startsWith('query-') || name.startsWith('template-'));

    // 9 reports for the default and the full format, and the 5 a small format can serve; 9 named queries.
    expect(queries.map(([name]) => name).filter((n) => n.startsWith('query-small-')).sort()).toEqual(
      ['query-small-accept-reject-ratio', 'query-small-bytes-over-time', 'query-small-rejected-by-port', 'query-small-top-rejected-sources', 'query-small-top-talkers'].sort(),
    );
    expect(queries.filter(([name]) => name.startsWith('template-'))).toHaveLength(9);
    for (const [name, v] of queries) expect(v.detail, name).toBe('Query');
  });
});
