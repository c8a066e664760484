/**
 * Runs SQL through the engines' own parsers (test/sql/pom.xml, CheckSql.java):
 * Trino's for Athena queries, Hive's for Athena DDL. Builds the Maven project
 * on first use, and again only when its pom or Java source changed (a hash
 * kept in target/.build-stamp), so a warm run starts no Maven.
 *
 *   npx tsx test/sql/sql-check.ts build     build target/ if stale (CI calls this)
 *
 * Java: trino-parser 483 is Java 25 bytecode, so a JDK 25 or newer is needed,
 * found in SQL_CHECK_JAVA_HOME, JAVA_HOME, the `java` on PATH, or under
 * /usr/lib/jvm, /opt, /opt/java.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { JAVA_HINT, REQUIRED_JAVA } from '../../scripts/jdk.mjs';

/** The Maven project. */
export const SQL_CHECK_DIR = fileURLToPath(new URL('.', import.meta.url));
const POM = join(SQL_CHECK_DIR, 'pom.xml');
const TARGET = join(SQL_CHECK_DIR, 'target');
const JAR = join(TARGET, 'sql-check.jar');
const STAMP = join(TARGET, '.build-stamp');
const MIN_JAVA = REQUIRED_JAVA;

/** Which parser reads a statement. */
export type Dialect = 'trino' | 'hive';

/** One statement to parse; `name` is a file-name-safe label. */
export interface SqlInput {
  readonly name: string;
  readonly dialect: Dialect;
  readonly sql: string;
}

/** What the parser made of one statement. */
export interface SqlVerdict {
  readonly ok: boolean;
  /** OK: what the parser built (Trino: the statement class; Hive: root token and counts). ERROR: the parser's message. */
  readonly detail: string;
}

/** A JDK that cannot be found, or Maven or the JVM failing. */
export class SqlCheckError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

interface Jdk {
  readonly home: string;
  readonly java: string;
  readonly major: number;
}

function describeJdk(home: string): Jdk | undefined {
  const java = join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
  try {
    if (!statSync(java).isFile()) return undefined;
    const version = /^JAVA_VERSION="([^"]+)"/m.exec(readFileSync(join(home, 'release'), 'utf8'))?.[1];
    const major = Number(version?.split('.')[0]);
    return Number.isInteger(major) ? { home, java, major } : undefined;
  } catch {
    return undefined;
  }
}

function javaHomeOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = dir && join(dir, 'java');
    if (candidate && existsSync(candidate)) return dirname(dirname(realpathSync(candidate)));
  }
  return undefined;
}

function subdirs(root: string): string[] {
  try {
    return readdirSync(root).map((d) => join(root, d));
  } catch {
    return [];
  }
}

/** The JDK 25+ to build and run with. @throws SqlCheckError */
export function findJdk(): Jdk {
  const explicit = process.env.SQL_CHECK_JAVA_HOME;
  if (explicit) {
    const jdk = describeJdk(explicit);
    if (!jdk || jdk.major < MIN_JAVA) throw new SqlCheckError(`SQL_CHECK_JAVA_HOME=${explicit} is not a JDK ${MIN_JAVA}+`);
    return jdk;
  }
  const candidates = [process.env.JAVA_HOME, javaHomeOnPath(), ...['/usr/lib/jvm', '/opt', '/opt/java'].flatMap(subdirs)]
    .filter((h): h is string => typeof h === 'string' && h.length > 0)
    .map(describeJdk)
    .filter((j): j is Jdk => j !== undefined && j.major >= MIN_JAVA);
  const jdk = candidates[0];
  if (!jdk) throw new SqlCheckError(`the SQL check needs a JDK ${MIN_JAVA}+ (trino-parser is Java ${MIN_JAVA} bytecode); none in SQL_CHECK_JAVA_HOME, JAVA_HOME, PATH or /usr/lib/jvm: ${JAVA_HINT}`);
  return jdk;
}

function fingerprint(): string {
  const hash = createHash('sha256');
  const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])) : []);
  for (const file of [POM, ...files(join(SQL_CHECK_DIR, 'src'))].sort()) {
    hash.update(file.slice(SQL_CHECK_DIR.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: SQL_CHECK_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', (err) => reject(new SqlCheckError(`could not run ${command}: ${err.message}`, { cause: err })));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let building: Promise<boolean> | undefined;

/** Builds target/ with Maven unless it is current. Resolves true when Maven ran. */
export function ensureSqlCheckBuilt(): Promise<boolean> {
  building ??= (async () => {
    const print = fingerprint();
    if (existsSync(JAR) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === print) return false;
    const jdk = findJdk();
    const mvn = process.env.MVN ?? 'mvn';
    const args = ['-q', '-B', '-Dstyle.color=never', '-f', POM, 'package'];
    const r = await run(mvn, args, { ...process.env, JAVA_HOME: jdk.home, MAVEN_OPTS: [process.env.MAVEN_OPTS, '--sun-misc-unsafe-memory-access=allow'].filter(Boolean).join(' ') });
    if (r.code !== 0 || !existsSync(JAR)) throw new SqlCheckError(`${mvn} ${args.join(' ')} failed (exit ${r.code}) with JDK ${jdk.major}:\n${(r.stdout + r.stderr).slice(-4000)}`);
    writeFileSync(STAMP, print + '\n');
    return true;
  })().finally(() => {
    building = undefined;
  });
  return building;
}

/** Parses every statement in one JVM; the verdicts by name. */
export async function checkSql(inputs: readonly SqlInput[]): Promise<Map<string, SqlVerdict>> {
  await ensureSqlCheckBuilt();
  const names = new Set<string>();
  for (const input of inputs) {
    if (!/^[\w.-]+$/.test(input.name) || names.has(input.name)) throw new SqlCheckError(`statement names must be distinct file-name-safe labels, got "${input.name}"`);
    names.add(input.name);
  }
  const dir = await mkdtemp(join(tmpdir(), 'flowlogs-sql-'));
  try {
    const files = await Promise.all(
      inputs.map(async (input) => {
        const file = join(dir, `${input.name}.${input.dialect}.sql`);
        await writeFile(file, input.sql, 'utf8');
        return file;
      }),
    );
    const r = await run(findJdk().java, ['-jar', JAR, ...files], process.env);
    if (r.code !== 0 && r.code !== 1) throw new SqlCheckError(`sql-check exited ${r.code}:\n${r.stderr.slice(-4000)}`);
    const verdicts = new Map<string, SqlVerdict>();
    for (const line of r.stdout.split('\n')) {
      const [status, file, detail] = line.split('\t');
      if ((status !== 'OK' && status !== 'ERROR') || file === undefined) continue;
      const name = file.slice(dir.length + 1).replace(/\.(trino|hive)\.sql$/, '');
      verdicts.set(name, { ok: status === 'OK', detail: detail ?? '' });
    }
    const unanswered = inputs.filter((i) => !verdicts.has(i.name));
    if (unanswered.length > 0) throw new SqlCheckError(`sql-check gave no verdict for ${unanswered.map((i) => i.name).join(', ')}:\n${r.stderr.slice(-4000)}`);
    return verdicts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [command] = process.argv.slice(2);
  if (command !== 'build') {
    process.stderr.write('usage: npx tsx test/sql/sql-check.ts build\n');
    process.exitCode = 2;
  } else {
    ensureSqlCheckBuilt().then(
      (built) => process.stdout.write(built ? `built ${TARGET}\n` : `${TARGET} is current\n`),
      (err: unknown) => {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  }
}
