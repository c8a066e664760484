// Vitest globalSetup of the `integration` project: one real OpenSearch for all its test files.
//
// Vitest runs a project's globalSetup only when that project has test files selected, so
// `vitest run test/unit` never starts a JVM.
import type { TestProject } from 'vitest/node';
import { startOpenSearch } from '../../scripts/opensearch.mjs';
import type {} from './opensearch-url.js';

/**
 * Provides `opensearchUrl` to the tests: `OPENSEARCH_URL` when set (an engine you already run),
 * else a fresh engine on 127.0.0.1 that the returned teardown stops. `OPENSEARCH_LOG=1` streams
 * the engine's log to stderr.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.OPENSEARCH_URL;
  if (external) {
    project.provide('opensearchUrl', external.replace(/\/+$/, ''));
    return async () => {};
  }
  const log = process.env.OPENSEARCH_LOG ? (line: string) => console.error(`[opensearch] ${line}`) : undefined;
  const engine = await startOpenSearch({ log });
  project.provide('opensearchUrl', engine.url);
  return () => engine.stop();
}
