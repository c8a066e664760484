/**
 * Runs the `flowlogs` command from source (through tsx), as a user would run
 * the built one: arguments, stdin, exit status, stdout, stderr.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment a CLI test starts from: enough to run Node, nothing else, so that the
 * caller's shell (AWS_PROFILE, OPENSEARCH_ENDPOINT, FLOW_LOG_FORMAT, ...) cannot change a result.
 */
const BASE_ENV: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT'].flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]!]]))),
);

export function runCli(args: readonly string[], input: string | Buffer = '', env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    input,
    encoding: 'utf8',
    env: { ...BASE_ENV, ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** {@link runCli} without blocking the event loop, for tests that serve HTTP to the command in the same process. */
export function runCliAsync(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
