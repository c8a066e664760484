/**
 * `flowlogs dashboards`: the OpenSearch Dashboards saved objects generated
 * from the report catalog, written to a file for a manual import (no endpoint,
 * no credentials), or imported into a Dashboards, the way the stack's custom
 * resource imports them (same request, same reading of the answer).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, DashboardsError } from '../src/errors.js';
import { AWS_DASHBOARDS_PATH, importSavedObjects, objectCount } from '../src/reports/dashboards-import.js';
import { DASHBOARDS_SETUP, DEFAULTS, INGEST_ENV } from '../src/settings.js';
import { AWS_DOMAIN_ENDPOINT } from '../lib/domain-endpoint.js';

const HELP = `usage: flowlogs dashboards --out FILE [--index-prefix P]
       flowlogs dashboards --endpoint URL [--auth aws-sigv4|basic|none] [--region R]
                           [--username U --password P] [--dashboards-path PATH]
                           [--index-prefix P] [--file FILE] [--timeout-seconds N]
--out FILE      writes the saved objects (NDJSON) for the indices <P>-*; "-" writes to stdout.
                Import it in Dashboards under Dashboards Management > Saved objects > Import.
--endpoint URL  imports them into the Dashboards of that OpenSearch endpoint, overwriting
                earlier copies (stable ids: never duplicates). Dashboards is served under
                --dashboards-path (default ${AWS_DASHBOARDS_PATH}, as on Amazon OpenSearch Service;
                "/" for a self-managed Dashboards at its own URL).
--auth          aws-sigv4 (default for https://) signs with your AWS credentials, service es;
                basic uses --username/--password; none (default for http://).
--file FILE     imports FILE instead of the generated objects.
Settings not given as options come from ${INGEST_ENV.endpoint}, ${INGEST_ENV.auth}, ${INGEST_ENV.username},
${INGEST_ENV.password} and ${INGEST_ENV.indexPrefix}.`;

const INDEX_PREFIX = /^[a-z0-9][a-z0-9_-]*$/;

export async function runDashboardsCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      endpoint: { type: 'string' },
      auth: { type: 'string' },
      region: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'dashboards-path': { type: 'string' },
      'index-prefix': { type: 'string' },
      file: { type: 'string' },
      'timeout-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const endpoint = values.endpoint ?? (values.out === undefined ? process.env[INGEST_ENV.endpoint] : undefined);
  if (values.help || positionals.length > 0 || (values.out === undefined) === (endpoint === undefined)) {
    (values.help ? process.stdout : process.stderr).write(HELP + '\n');
    return values.help ? 0 : 1;
  }
  const indexPrefix = values['index-prefix'] ?? process.env[INGEST_ENV.indexPrefix] ?? DEFAULTS.indexPrefix;
  if (!INDEX_PREFIX.test(indexPrefix)) throw new ConfigError(`--index-prefix must be lower-case letters, digits, - or _, got "${indexPrefix}"`);
  const ndjson = values.file !== undefined ? readFileSync(values.file, 'utf8') : await generated(indexPrefix);

  if (values.out !== undefined) {
    if (values.out === '-') process.stdout.write(ndjson);
    else {
      writeFileSync(values.out, ndjson);
      process.stdout.write(`wrote ${objectCount(ndjson)} saved objects for ${indexPrefix}-* to ${values.out}\n`);
    }
    return 0;
  }

  const url = endpoint!.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(url)) throw new ConfigError(`--endpoint must start with https:// or http://, got "${url}"`);
  const auth = values.auth ?? process.env[INGEST_ENV.auth] ?? (url.startsWith('https://') ? 'aws-sigv4' : 'none');
  if (auth !== 'aws-sigv4' && auth !== 'basic' && auth !== 'none') throw new ConfigError(`--auth must be aws-sigv4, basic or none, got "${auth}"`);
  const timeoutSeconds = Number(values['timeout-seconds'] ?? DASHBOARDS_SETUP.requestTimeoutSeconds);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new ConfigError(`--timeout-seconds must be a positive number, got "${values['timeout-seconds']}"`);
  const region = values.region ?? AWS_DOMAIN_ENDPOINT.exec(new URL(url).hostname)?.[2];
  const username = values.username ?? process.env[INGEST_ENV.username];
  const password = values.password ?? process.env[INGEST_ENV.password];
  const basePath = values['dashboards-path'] ?? AWS_DASHBOARDS_PATH;

  // Loaded only for an import, so --out never pulls in the client or the credential chain.
  const { createHttpTransport } = await import('../lambdas/shared/http-transport.js');
  const transport = await createHttpTransport({
    endpoint: url,
    auth,
    requestTimeoutMs: timeoutSeconds * 1000,
    ...(region ? { region } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  });
  try {
    const summary = await importSavedObjects(transport, ndjson, basePath);
    process.stdout.write(`imported ${summary.successCount} saved objects into ${url}${basePath.replace(/\/+$/, '')}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DashboardsError)) throw error;
    // With refused objects, the message's head ("... refused N") then one object per line.
    const head = error.objectErrors.length > 0 ? `${error.message.slice(0, error.message.indexOf(': '))}:` : error.message;
    process.stderr.write(`flowlogs: ${head}\n`);
    for (const line of error.objectErrors) process.stderr.write(`  ${line}\n`);
    return 2;
  }
}

async function generated(indexPrefix: string): Promise<string> {
  const { savedObjectsNdjson } = await import('../src/reports/dashboards.js');
  return savedObjectsNdjson({ indexPrefix });
}
