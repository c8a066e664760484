/**
 * `flowlogs partitions --from YYYY-MM-DD --to YYYY-MM-DD [--dry-run]`: adds
 * the Athena partitions of a range of days, for backfills. It registers every
 * day of the range (an empty day's partition is harmless: it holds no rows),
 * so `--dry-run` prints exactly the SQL a real run would send, without
 * credentials. Settings come from the options, else from the partition
 * function's environment variables (PARTITION_ENV).
 *
 * The AWS SDK is imported only for a real run, so a dry run starts fast.
 */
import { loadPartitionConfig } from '../lambdas/partitions/config.js';
import { ConfigError } from '../src/errors.js';
import { addPartitionsStatements, dayRange, parseDay } from '../src/athena/partitions.js';
import { PARTITION_ENV } from '../src/settings.js';
import { HELP_OPTION, STACK_OPTION, optionHelp, optionName, parseOptionsWithStack, requireOptions, type OptionTable } from './options.js';
import type { StackClients } from './stack.js';

/** The longest range one command takes: ten years of days. */
export const MAX_RANGE_DAYS = 3660;

const OPTIONS = {
  from: { type: 'string', arg: 'YYYY-MM-DD', help: 'first UTC day of the range' },
  to: { type: 'string', arg: 'YYYY-MM-DD', help: 'last UTC day of the range (included)' },
  'dry-run': { type: 'boolean', help: 'print the SQL and run nothing (no AWS credentials needed)' },
  database: { type: 'string', arg: 'D', env: [PARTITION_ENV.database], help: 'Glue database' },
  table: { type: 'string', arg: 'T', env: [PARTITION_ENV.table], help: 'Glue table' },
  bucket: { type: 'string', arg: 'B', env: [PARTITION_ENV.bucket], help: 'flow-log bucket' },
  prefix: { type: 'string', arg: 'P', env: [PARTITION_ENV.prefix], help: "key prefix the flow log writes under, e.g. vpc-flow-logs/ ('' for the root)" },
  'account-id': { type: 'string', arg: 'A', env: [PARTITION_ENV.accountId], help: 'account in the flow-log path' },
  region: { type: 'string', arg: 'R', env: [PARTITION_ENV.region, 'AWS_REGION'], help: 'region in the flow-log path' },
  workgroup: { type: 'string', arg: 'W', env: [PARTITION_ENV.workgroup], help: 'Athena workgroup (not needed with --dry-run)' },
  'timeout-seconds': { type: 'string', arg: 'N', help: 'how long to wait for Athena, default 600' },
  ...STACK_OPTION,
  ...HELP_OPTION,
} as const satisfies OptionTable;

/** Option → the variable of the partition function's configuration it sets. */
const ENV_OF = {
  database: PARTITION_ENV.database,
  table: PARTITION_ENV.table,
  bucket: PARTITION_ENV.bucket,
  prefix: PARTITION_ENV.prefix,
  workgroup: PARTITION_ENV.workgroup,
  'account-id': PARTITION_ENV.accountId,
  region: PARTITION_ENV.region,
} as const;

const HELP = `usage: flowlogs partitions --from YYYY-MM-DD --to YYYY-MM-DD [--dry-run] [options]

Adds the Athena partitions of every UTC day from --from to --to (both included)
with ALTER TABLE ... ADD IF NOT EXISTS PARTITION, and waits until Athena has run
it. Partitions that exist are left as they are, so a range may overlap them.

${optionHelp(OPTIONS)}

Each option falls back to the environment variable in parentheses: the names
the partition function is configured with, so its configuration shows the
values of a deployment, and --stack reads them from there.
Exit 0 when the statement SUCCEEDED (or was printed), 1 otherwise.`;

export async function runPartitionsCommand(argv: string[], stackClients?: StackClients): Promise<number> {
  const { values, positionals } = await parseOptionsWithStack(OPTIONS, argv, stackClients);
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const dryRun = values['dry-run'] ?? false;
  requireOptions(
    'partitions',
    OPTIONS,
    values,
    ['from', 'to', 'database', 'table', 'bucket', 'prefix', 'account-id', 'region', ...(dryRun ? [] : (['workgroup'] as const))],
    positionals.length > 0 ? [`unexpected argument "${positionals[0]}"`] : [],
  );

  const from = parseDay(values.from!);
  const to = parseDay(values.to!);
  const days = dayRange(from, to);
  if (days.length > MAX_RANGE_DAYS) throw new ConfigError(`the range has ${days.length} days; at most ${MAX_RANGE_DAYS} at a time`);

  const env: Record<string, string | undefined> = { ...process.env };
  for (const [option, name] of Object.entries(ENV_OF)) {
    const value = values[option as keyof typeof ENV_OF];
    if (value !== undefined) env[name] = value;
  }
  // A bad value is named as a missing one is: by its flag, and the variable it falls back to.
  const optionOf = new Map(Object.entries(ENV_OF).map(([option, name]) => [name as string, option]));
  const label = (variable: string): string => {
    const option = optionOf.get(variable);
    return option === undefined ? variable : optionName(OPTIONS, option);
  };
  const config = loadPartitionConfig(env, { requireWorkgroup: !dryRun, label });
  const statements = addPartitionsStatements(config.table, config.location, days);

  if (dryRun) {
    process.stdout.write(statements.map((s) => s + ';\n').join('\n'));
    return 0;
  }

  const timeoutSeconds = values['timeout-seconds'] === undefined ? 600 : Number(values['timeout-seconds']);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new ConfigError(`--timeout-seconds must be a positive whole number, got "${values['timeout-seconds']}"`);
  const { createAthenaClient, runStatement } = await import('../lambdas/partitions/athena.js');
  const region = env[PARTITION_ENV.region] || undefined;
  const athena = createAthenaClient(region ? { region } : {});
  const deadline = Date.now() + timeoutSeconds * 1000;
  try {
    for (const [i, sql] of statements.entries()) {
      process.stderr.write(`flowlogs partitions: statement ${i + 1} of ${statements.length} (${days.length} days from ${from} to ${to})\n`);
      const result = await runStatement(athena, {
        sql,
        workgroup: config.workgroup!,
        database: config.table.database,
        remainingMs: () => deadline - Date.now(),
        reserveMs: 0,
      });
      process.stdout.write(`${result.queryExecutionId} SUCCEEDED\n`);
    }
  } finally {
    athena.destroy();
  }
  return 0;
}
