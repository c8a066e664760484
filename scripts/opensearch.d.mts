// Types for scripts/opensearch.mjs, which stays plain JS so node scripts can run it unbuilt.

/** Base class for everything the harness throws; `output` holds the last lines Maven or the JVM printed. */
export class OpenSearchHarnessError extends Error {
  constructor(message: string, options?: ErrorOptions & { output?: string[] });
  readonly output: string[];
}
/** No JDK >= 21 could be found. */
export class JavaNotFoundError extends OpenSearchHarnessError {}
/** `mvn package` failed or Maven is missing. */
export class OpenSearchBuildError extends OpenSearchHarnessError {}
/** The JVM exited, reported a failure, or was not ready in time. */
export class OpenSearchStartError extends OpenSearchHarnessError {}

/** The Maven project that embeds OpenSearch. */
export const OPENSEARCH_PROJECT_DIR: string;
/** Where `mvn package` leaves the runnable classpath. */
export const OPENSEARCH_TARGET_DIR: string;

/** A JDK able to run OpenSearch 3.x. */
export interface Jdk {
  readonly home: string;
  readonly java: string;
  readonly major: number;
}

/** Finds a JDK 21+: OPENSEARCH_JAVA_HOME, JAVA_HOME, PATH, then the newest under /usr/lib/jvm and /opt. */
export function findJava(): Jdk;

/** Runs Maven unless opensearch/target was built from the current pom and sources. */
export function ensureOpenSearchBuilt(options?: { readonly log?: (line: string) => void }): Promise<{ built: boolean }>;

export interface StartOpenSearchOptions {
  /**
   * HTTP port on 127.0.0.1.
   * @default 0 - the kernel picks a free port
   */
  readonly port?: number;
  /**
   * Data directory; a caller-given one is kept after stop().
   * @default - a temp dir that stop() removes
   */
  readonly dataDir?: string;
  /** Receives every line the JVM (and Maven, when it builds) prints. */
  readonly log?: (line: string) => void;
  /**
   * Maximum heap, as for -Xmx.
   * @default - OPENSEARCH_HEAP, else '1g'
   */
  readonly heap?: string;
  /**
   * How long to wait for the cluster to be yellow.
   * @default 180000
   */
  readonly timeoutMs?: number;
  /**
   * Extra node settings, e.g. `{ 'thread_pool.write.size': 1, 'thread_pool.write.queue_size': 1 }`
   * for a cluster that answers 429 under load.
   * @default - none
   */
  readonly settings?: Readonly<Record<string, string | number>>;
}

/** A running engine. */
export interface RunningOpenSearch {
  /** e.g. `http://127.0.0.1:41945` */
  readonly url: string;
  readonly pid: number | undefined;
  /** Stops the JVM (SIGTERM, then SIGKILL after 20 s) and removes a temp data dir. Idempotent. */
  stop(): Promise<void>;
}

/** Starts a single-node OpenSearch on 127.0.0.1 and resolves once the cluster is yellow or green. */
export function startOpenSearch(options?: StartOpenSearchOptions): Promise<RunningOpenSearch>;
