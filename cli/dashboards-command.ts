/**
 * `flowlogs dashboards`: the OpenSearch Dashboards saved objects generated
 * from the report catalog, written to a file for a manual import (no endpoint,
 * no credentials), or imported into a Dashboards, the way the stack's custom
 * resource imports them (same request, same reading of the answer).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, DashboardsError } from '../src/errors.js';
import { AWS_DASHBOARDS_PATH, importSavedObjects, objectCount } from '../src/reports/dashboards-import.js';
import { DASHBOARDS_SETUP } from '../src/settings.js';
import { CONNECTION_OPTIONS, INDEX_PREFIX_OPTION, connectionFrom, indexPrefixFrom } from './common.js';
import { describeFailure } from './errors.js';
import { HELP_OPTION, STACK_OPTION, optionHelp, parseOptionsWithStack, requireOptions, type OptionTable } from './options.js';
import type { StackClients } from './stack.js';

const OPTIONS = {
  out: { type: 'string', arg: 'FILE', help: 'write the saved objects (NDJSON) instead of importing them; "-" writes to stdout' },
  ...CONNECTION_OPTIONS,
  'dashboards-path': { type: 'string', arg: 'PATH', help: `where Dashboards is served (default ${AWS_DASHBOARDS_PATH}, as on Amazon OpenSearch Service; "/" for a self-managed Dashboards)` },
  ...INDEX_PREFIX_OPTION,
  file: { type: 'string', arg: 'FILE', help: 'import FILE instead of the generated objects' },
  'timeout-seconds': { type: 'string', arg: 'N', help: `seconds one request may take (default ${DASHBOARDS_SETUP.requestTimeoutSeconds})` },
  ...STACK_OPTION,
  ...HELP_OPTION,
} as const satisfies OptionTable;

const HELP = `usage: flowlogs dashboards --out FILE [--index-prefix P]
       flowlogs dashboards [--endpoint URL | --stack NAME] [options]

Writes the OpenSearch Dashboards saved objects for the indices <P>-* to a file, for
an import by hand (Dashboards Management > Saved objects > Import; no endpoint, no
credentials), or imports them into the Dashboards of an endpoint, overwriting earlier
copies (stable ids: never duplicates), as the stack's custom resource does.

${optionHelp(OPTIONS)}

Exit 0: written or imported; 2: the import failed (objects refused, an error answered, no
answer, no credentials); 1: bad usage.`;

export async function runDashboardsCommand(argv: readonly string[], stackClients?: StackClients): Promise<number> {
  const { values, positionals, given } = await parseOptionsWithStack(OPTIONS, argv, stackClients);
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const toFile = values.out !== undefined;
  requireOptions('dashboards', OPTIONS, values, toFile ? [] : ['endpoint'], [
    ...(!toFile && values.endpoint === undefined ? ['or --out FILE to write the objects to a file'] : []),
    ...(positionals.length > 0 ? [`unexpected argument "${positionals[0]}"`] : []),
    ...(toFile && given.has('endpoint') ? ['--out and --endpoint exclude each other'] : []),
  ]);
  const indexPrefix = indexPrefixFrom(values);
  const ndjson = values.file !== undefined ? readFileSync(values.file, 'utf8') : await generated(indexPrefix);

  if (toFile) {
    if (values.out === '-') process.stdout.write(ndjson);
    else {
      writeFileSync(values.out!, ndjson);
      process.stdout.write(`wrote ${objectCount(ndjson)} saved objects for ${indexPrefix}-* to ${values.out}\n`);
    }
    return 0;
  }

  const connection = connectionFrom(values);
  const url = connection.endpoint;
  const timeoutSeconds = Number(values['timeout-seconds'] ?? DASHBOARDS_SETUP.requestTimeoutSeconds);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new ConfigError(`--timeout-seconds must be a positive number, got "${values['timeout-seconds']}"`);
  const basePath = values['dashboards-path'] ?? AWS_DASHBOARDS_PATH;

  // Loaded only for an import, so --out never pulls in the client or the credential chain.
  const { createHttpTransport } = await import('../lambdas/shared/http-transport.js');
  const transport = await createHttpTransport({ ...connection, requestTimeoutMs: timeoutSeconds * 1000 });
  try {
    const summary = await importSavedObjects(transport, ndjson, basePath);
    process.stdout.write(`imported ${summary.successCount} saved objects into ${url}${basePath.replace(/\/+$/, '')}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DashboardsError)) throw error;
    // With refused objects, the message's head ("... refused N") then one object per line.
    // Without refused objects, the line the CLI gives any failure (missing credentials get their advice).
    const head = error.objectErrors.length > 0 ? `${error.message.slice(0, error.message.indexOf(': '))}:` : (describeFailure(error) ?? error.message);
    process.stderr.write(`flowlogs: ${head}\n`);
    for (const line of error.objectErrors) process.stderr.write(`  ${line}\n`);
    return 2;
  }
}

async function generated(indexPrefix: string): Promise<string> {
  const { savedObjectsNdjson } = await import('../src/reports/dashboards.js');
  return savedObjectsNdjson({ indexPrefix });
}
