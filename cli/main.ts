#!/usr/bin/env node
/**
 * The `flowlogs` command. Subcommands load only what they need, so `parse`
 * and `transform` start without the AWS SDK or the OpenSearch client.
 *
 *   flowlogs parse [--format '<format string>'] [--no-geoip]   < records
 *   flowlogs transform [--format ...] FILE...                   > _bulk body
 *   flowlogs replay [--endpoint URL] FILE|s3://bucket/prefix ...
 *   flowlogs partitions --from YYYY-MM-DD --to YYYY-MM-DD [--dry-run]
 *   flowlogs report --endpoint URL [--from D --to D] [--out report.html]
 *   flowlogs dashboards --out FILE | --endpoint URL [--auth ...]
 *
 * Each takes `--stack NAME` for the settings of a deployed stack (cli/options.ts).
 */
import { describeFailure } from './errors.js';

const USAGE = `usage: flowlogs <command> [options]     (flowlogs <command> --help for its options)

commands:
  parse [--format FMT] [--no-geoip]      < records
      Reads flow-log records on stdin, one per line; writes one JSON document per line.
  transform [--format FMT] [--index-prefix P] FILE...
      Reads CloudWatch Logs subscription events ({"awslogs":{"data":...}}) and writes
      the _bulk body the ingest function would send, without sending it.
  replay [--endpoint URL] FILE|s3://BUCKET/PREFIX ...  |  replay --from T --to T [--log-group NAME]
      Re-drives dead letters, saved subscription events or on-failure destination
      records into OpenSearch, or reads the flow-log group back.
  partitions --from YYYY-MM-DD --to YYYY-MM-DD [--dry-run]
      Adds the Athena partitions of a range of days.
  report [--endpoint URL] [--from D] [--to D] [--out FILE]
      Writes the weekly report page (self-contained HTML) from an OpenSearch.
  dashboards --out FILE | [--endpoint URL]
      Writes the OpenSearch Dashboards saved objects (NDJSON), or imports them.

Every command takes --stack NAME: the settings of a deployed stack (its outputs and its
functions' environment), so "flowlogs replay --stack VpcFlowLogs s3://..." needs nothing
else. A flag wins over the stack, the stack over the environment variables the functions
are configured with (FLOW_LOG_FORMAT, OPENSEARCH_ENDPOINT, GLUE_DATABASE, ...).
FMT is a flow-log format string such as '\${version} \${srcaddr} \${dstaddr} ...'.`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'parse':
      return (await import('./parse-command.js')).runParseCommand(rest);
    case 'transform':
      return (await import('./transform-command.js')).runTransformCommand(rest);
    case 'replay':
      return (await import('./replay-command.js')).runReplayCommand(rest);
    case 'partitions':
      return (await import('./partitions.js')).runPartitionsCommand(rest);
    case 'report':
      return (await import('./report-command.js')).runReportCommand(rest);
    case 'dashboards':
      return (await import('./dashboards-command.js')).runDashboardsCommand(rest);
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    default:
      process.stderr.write(`flowlogs: ${command ? `unknown command "${command}"` : 'no command given'}\n\n${USAGE}\n`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A failure the user can fix is one line; anything else is a bug: keep its stack.
    const line = describeFailure(err);
    process.stderr.write(`flowlogs: ${line ?? (err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
