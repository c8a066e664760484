#!/usr/bin/env node
// Starts a real OpenSearch engine on 127.0.0.1 for the integration tests and the demo.
//
// The engine is OpenSearch's own server code from Maven Central, run in one JVM by
// opensearch/ (see opensearch/pom.xml). Plain ESM JS so node scripts and vitest can both
// import it without a build step; types live in opensearch.d.mts beside this file.
//
// CLI:
//   node scripts/opensearch.mjs build             build opensearch/target if stale (CI calls this)
//   node scripts/opensearch.mjs start [--port N]  run in the foreground, print the URL, stop on Ctrl-C
//        [--data DIR] [--verbose]

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JAVA_HINT, REQUIRED_JAVA } from './jdk.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Maven project that embeds OpenSearch. */
export const OPENSEARCH_PROJECT_DIR = join(REPO_ROOT, 'opensearch');
/** Where `mvn package` leaves the runnable classpath (gitignored). */
export const OPENSEARCH_TARGET_DIR = join(OPENSEARCH_PROJECT_DIR, 'target');

const POM = join(OPENSEARCH_PROJECT_DIR, 'pom.xml');
const JAR = join(OPENSEARCH_TARGET_DIR, 'embedded-opensearch.jar');
const LIB_DIR = join(OPENSEARCH_TARGET_DIR, 'lib');
const STAMP = join(OPENSEARCH_TARGET_DIR, '.build-stamp');
const MAIN_CLASS = 'flowlogs.opensearch.EmbeddedOpenSearch';
const READY_PREFIX = 'OPENSEARCH_READY ';
const FAILED_PREFIX = 'OPENSEARCH_FAILED ';
// OpenSearch 3.x class files are Java 21; an older JDK can neither compile against nor run them.
const MIN_JAVA = REQUIRED_JAVA;
const DEFAULT_START_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 20_000;
const TAIL_LINES = 40;
// eslint-disable-next-line no-control-regex -- matching terminal escapes is the point
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

/** Base class for everything this harness throws, so callers can tell harness trouble from test failures. */
export class OpenSearchHarnessError extends Error {
  /**
   * @param {string} message
   * @param {ErrorOptions & { output?: string[] }} [options]
   */
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
    /** Last lines the JVM or Maven printed before the failure. */
    this.output = options?.output ?? [];
  }
}

/** No JDK >= 21 could be found. */
export class JavaNotFoundError extends OpenSearchHarnessError {}
/** `mvn package` failed or Maven is missing. */
export class OpenSearchBuildError extends OpenSearchHarnessError {}
/** The JVM exited, reported a failure, or was not ready in time. */
export class OpenSearchStartError extends OpenSearchHarnessError {}

/**
 * Finds the JDK the demo and the tests run with (scripts/jdk.mjs: OpenSearch 3.x needs 21+, the SQL check 25+).
 *
 * Order: `OPENSEARCH_JAVA_HOME` (must be >= REQUIRED_JAVA if set), `JAVA_HOME`, the `java` on PATH, then the
 * newest JDK under /usr/lib/jvm, /opt, /opt/java. The default JDK here is 17, so the fallback scan matters.
 * @returns {{ home: string, java: string, major: number }}
 */
export function findJava() {
  const explicit = process.env.OPENSEARCH_JAVA_HOME;
  if (explicit) {
    const jdk = describeJdk(explicit);
    if (!jdk || jdk.major < MIN_JAVA) {
      throw new JavaNotFoundError(`OPENSEARCH_JAVA_HOME=${explicit} is not a JDK ${MIN_JAVA}+: ${JAVA_HINT}`);
    }
    return jdk;
  }
  const preferred = [process.env.JAVA_HOME, javaHomeOnPath()]
    .filter((home) => typeof home === 'string' && home.length > 0)
    .map((home) => describeJdk(home))
    .find((jdk) => jdk !== undefined && jdk.major >= MIN_JAVA);
  if (preferred) return preferred;

  const scanned = ['/usr/lib/jvm', '/opt', '/opt/java', '/Library/Java/JavaVirtualMachines']
    .flatMap((root) => listDirs(root).flatMap((dir) => [dir, join(dir, 'Contents', 'Home')]))
    .map((home) => describeJdk(home))
    .filter((jdk) => jdk !== undefined && jdk.major >= MIN_JAVA)
    .sort((a, b) => b.major - a.major);
  const newest = scanned[0];
  if (!newest) {
    throw new JavaNotFoundError(
      `no JDK ${MIN_JAVA}+ found in OPENSEARCH_JAVA_HOME, JAVA_HOME, PATH or /usr/lib/jvm: ${JAVA_HINT}`,
    );
  }
  return newest;
}

/**
 * Builds opensearch/target with Maven unless it is already built from the current pom and sources.
 *
 * Freshness is a hash of the pom and Java sources kept in target/.build-stamp, so the warm path
 * starts no JVM at all (Maven alone costs seconds even with nothing to do).
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<{ built: boolean }>} whether Maven ran
 */
export async function ensureOpenSearchBuilt({ log } = {}) {
  const fingerprint = sourceFingerprint();
  if (isBuilt(fingerprint)) return { built: false };
  building ??= runMaven(fingerprint, log).finally(() => {
    building = undefined;
  });
  await building;
  return { built: true };
}

/** @type {Promise<void> | undefined} one Maven run at a time within this process */
let building;

/**
 * Starts a single-node OpenSearch on 127.0.0.1 and resolves once the cluster is yellow or green.
 *
 * The JVM exits by itself when this process goes away (it watches its stdin pipe), so a crashed
 * test run never leaves an engine behind.
 * @param {{ port?: number, dataDir?: string, log?: (line: string) => void, heap?: string, timeoutMs?: number, settings?: Record<string, string | number> }} [options]
 *   port: HTTP port, 0 (default) lets the kernel pick. dataDir: kept after stop; by default a temp
 *   dir is created and removed by stop(). log: receives every line the JVM prints. heap: -Xmx,
 *   default `OPENSEARCH_HEAP` or 1g. timeoutMs: default 180 s. settings: extra node settings
 *   (`{ 'thread_pool.write.size': 1 }`), applied after the harness's own.
 * @returns {Promise<{ url: string, pid: number | undefined, stop: () => Promise<void> }>}
 */
export async function startOpenSearch({ port = 0, dataDir, log, heap, timeoutMs = DEFAULT_START_TIMEOUT_MS, settings = {} } = {}) {
  await ensureOpenSearchBuilt({ log });
  const jdk = findJava();
  const ownsDataDir = dataDir === undefined;
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'flowlogs-opensearch-')));
  const maxHeap = heap ?? process.env.OPENSEARCH_HEAP ?? '1g';

  const args = [
    ...jvmOptions(jdk.major, maxHeap, dir),
    '-cp',
    [JAR, join(LIB_DIR, '*')].join(delimiter),
    MAIN_CLASS,
    '--port',
    String(port),
    '--data',
    dir,
    '--exit-on-stdin-close',
    ...(ownsDataDir ? ['--delete-data-on-exit'] : []),
    ...Object.entries(settings).flatMap(([k, v]) => ['-E', `${k}=${v}`]),
  ];
  const child = spawn(jdk.java, args, { cwd: OPENSEARCH_PROJECT_DIR, stdio: ['pipe', 'pipe', 'pipe'] });

  /** @type {Promise<number | null>} */
  const exited = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit(code ?? (signal ? -1 : null)));
    child.once('error', () => resolveExit(-1));
  });
  // Last resort if stop() is never called: SIGTERM still lets the JVM close and delete its temp dir.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      child.stdin?.destroy();
      if (ownsDataDir) await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    const url = await waitForReady(child, log, timeoutMs);
    // From here on the pipes must not keep a caller's event loop alive; closing stdin at our exit
    // is what tells the JVM to shut down.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) unrefStream(stream);
    return { url, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Resolves with the URL from the READY line; rejects with the JVM's last lines on any other outcome.
 * @param {import('node:child_process').ChildProcess} child
 * @param {((line: string) => void) | undefined} log
 * @param {number} timeoutMs
 * @returns {Promise<string>}
 */
function waitForReady(child, log, timeoutMs) {
  return new Promise((resolveReady, rejectReady) => {
    const output = [];
    let settled = false;
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (message, cause) =>
      settle(() =>
        rejectReady(
          new OpenSearchStartError(`${message}\n--- last JVM output ---\n${output.join('\n')}`, {
            cause,
            output: [...output],
          }),
        ),
      );
    const record = (line) => {
      output.push(line);
      if (output.length > TAIL_LINES) output.shift();
      log?.(line);
    };
    const timer = setTimeout(() => fail(`OpenSearch was not ready within ${timeoutMs / 1000} s`), timeoutMs);

    onLines(child.stderr, record);
    onLines(child.stdout, (line) => {
      record(line);
      if (line.startsWith(READY_PREFIX)) {
        settle(() => resolveReady(line.slice(READY_PREFIX.length).trim()));
      } else if (line.startsWith(FAILED_PREFIX)) {
        fail(`OpenSearch failed to start: ${line.slice(FAILED_PREFIX.length)}`);
      }
    });
    child.once('error', (error) => fail(`could not run ${child.spawnfile}: ${error.message}`, error));
    // 'close' rather than 'exit': by then the JVM's last stderr lines have been read into `output`.
    child.once('close', (code, signal) =>
      fail(`the OpenSearch JVM exited (${signal ?? `code ${code}`}) before it was ready`),
    );
  });
}

/**
 * JVM flags, after OpenSearch's own jvm.options, sized for a 2-core CI box.
 * @param {number} major
 * @param {string} maxHeap
 * @param {string} dataDir
 */
function jvmOptions(major, maxHeap, dataDir) {
  return [
    '-Xms256m',
    `-Xmx${maxHeap}`,
    '-XX:+UseG1GC',
    // Netty and Lucene use direct/mapped memory outside the heap; cap it so RSS stays near heap + ~0.4 GB.
    '-XX:MaxDirectMemorySize=256m',
    '-XX:ReservedCodeCacheSize=128m',
    '-XX:+ExitOnOutOfMemoryError',
    '-Xss1m',
    '-Dfile.encoding=UTF-8',
    '-Djava.awt.headless=true',
    `-Djava.io.tmpdir=${dataDir}`,
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    '-Dlog4j.shutdownHookEnabled=false',
    '-Dlog4j2.disable.jmx=true',
    // Lucene and JNA call native code; without this JDK 22+ prints a warning per library.
    '--enable-native-access=ALL-UNNAMED',
    ...(major >= 23 ? ['--sun-misc-unsafe-memory-access=allow'] : []),
  ];
}

/**
 * @param {string} fingerprint
 * @param {((line: string) => void) | undefined} log
 */
async function runMaven(fingerprint, log) {
  const jdk = findJava();
  const mvn = process.env.MVN ?? 'mvn';
  const mavenOpts = [process.env.MAVEN_OPTS, jdk.major >= 23 ? '--sun-misc-unsafe-memory-access=allow' : undefined]
    .filter(Boolean)
    .join(' ');
  const args = ['-q', '-B', '-Dstyle.color=never', '-f', POM, 'package'];
  log?.(`building ${OPENSEARCH_TARGET_DIR} with Maven (JDK ${jdk.major}); a first run downloads ~110 MB from Maven Central`);
  const output = [];
  const code = await new Promise((resolveRun) => {
    const child = spawn(mvn, args, {
      cwd: OPENSEARCH_PROJECT_DIR,
      env: { ...process.env, JAVA_HOME: jdk.home, MAVEN_OPTS: mavenOpts },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const record = (raw) => {
      // Maven 3.8 emits bare colour resets even in batch mode; drop what is empty without them.
      const line = raw.replace(ANSI_ESCAPE, '');
      if (!line.trim()) return;
      output.push(line);
      if (output.length > TAIL_LINES) output.shift();
      log?.(line);
    };
    onLines(child.stdout, record);
    onLines(child.stderr, record);
    child.once('error', (error) => {
      record(`could not run ${mvn}: ${error.message}`);
      resolveRun(-1);
    });
    child.once('close', (exitCode) => resolveRun(exitCode));
  });
  if (code !== 0 || !existsSync(JAR) || !existsSync(LIB_DIR)) {
    throw new OpenSearchBuildError(
      `${mvn} ${args.join(' ')} failed (exit ${code})\n--- last Maven output ---\n${output.join('\n')}`,
      { output },
    );
  }
  writeFileSync(STAMP, `${fingerprint}\n`);
}

function isBuilt(fingerprint) {
  if (!existsSync(JAR) || !existsSync(LIB_DIR)) return false;
  try {
    return readFileSync(STAMP, 'utf8').trim() === fingerprint;
  } catch {
    return false;
  }
}

/** Hash of everything that shapes the build: the pom and each source file with its path. */
function sourceFingerprint() {
  const hash = createHash('sha256');
  const files = [POM, ...listFiles(join(OPENSEARCH_PROJECT_DIR, 'src'))].sort();
  for (const file of files) {
    hash.update(file.slice(OPENSEARCH_PROJECT_DIR.length));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** @param {string} dir @returns {string[]} */
function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/** @param {string} root @returns {string[]} */
function listDirs(root) {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .map((entry) => join(root, entry.name));
  } catch {
    return [];
  }
}

/**
 * Reads a JDK's major version from its `release` file, which every JDK since 9 ships.
 * @param {string} home
 * @returns {{ home: string, java: string, major: number } | undefined}
 */
function describeJdk(home) {
  const java = join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
  try {
    if (!statSync(java).isFile()) return undefined;
    const release = readFileSync(join(home, 'release'), 'utf8');
    const version = /^JAVA_VERSION="([^"]+)"/m.exec(release)?.[1];
    if (!version) return undefined;
    // "1.8.0_392" is Java 8; "25.0.3" is Java 25.
    const parts = version.split('.');
    const major = Number(parts[0] === '1' ? parts[1] : parts[0]);
    return Number.isInteger(major) ? { home, java, major } : undefined;
  } catch {
    return undefined;
  }
}

/** @returns {string | undefined} the JDK home behind the `java` on PATH */
function javaHomeOnPath() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'java');
    if (existsSync(candidate)) {
      try {
        return dirname(dirname(realpathSync(candidate)));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * @param {import('node:stream').Readable | null} stream
 * @param {(line: string) => void} onLine
 */
function onLines(stream, onLine) {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}

/** @param {unknown} stream */
function unrefStream(stream) {
  // Child stdio pipes are net.Socket instances, which have unref(); typed loosely on purpose.
  if (stream && typeof stream === 'object' && 'unref' in stream && typeof stream.unref === 'function') {
    stream.unref();
  }
}

/** @param {string[]} argv */
async function main(argv) {
  const [command, ...rest] = argv;
  const flag = (name) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  if (command === 'build') {
    const started = Date.now();
    const { built } = await ensureOpenSearchBuilt({ log: (line) => console.error(line) });
    console.error(
      built
        ? `opensearch: built ${OPENSEARCH_TARGET_DIR} in ${((Date.now() - started) / 1000).toFixed(1)} s`
        : `opensearch: ${OPENSEARCH_TARGET_DIR} is up to date`,
    );
    return;
  }
  if (command === 'start') {
    const verbose = rest.includes('--verbose');
    const started = Date.now();
    const engine = await startOpenSearch({
      port: Number(flag('--port') ?? process.env.OPENSEARCH_PORT ?? 0),
      dataDir: flag('--data'),
      log: verbose ? (line) => console.error(line) : undefined,
    });
    console.error(`opensearch: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${engine.pid}); Ctrl-C stops it`);
    console.log(engine.url);
    // The engine's pipes are unref'd, so hold the process open until a signal arrives.
    const keepAlive = setTimeout(() => undefined, 2 ** 31 - 1);
    await new Promise((resolveSignal) => {
      process.once('SIGINT', resolveSignal);
      process.once('SIGTERM', resolveSignal);
    });
    clearTimeout(keepAlive);
    console.error('opensearch: stopping');
    await engine.stop();
    return;
  }
  console.error('usage: node scripts/opensearch.mjs build | start [--port N] [--data DIR] [--verbose]');
  process.exitCode = 2;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    // The CLI already streamed the tool output through `log`; the error's first line is enough.
    console.error(error instanceof OpenSearchHarnessError ? error.message.split('\n')[0] : error);
    process.exitCode = 1;
  });
}

