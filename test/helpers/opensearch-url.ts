import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the OpenSearch the integration tests run against, e.g. `http://127.0.0.1:41945`. */
    opensearchUrl: string;
  }
}

/**
 * URL of the engine that test/helpers/global-setup.ts started (or took from `OPENSEARCH_URL`).
 *
 * Only the `integration` project runs that setup, so calling this from a unit test fails loudly
 * rather than quietly reaching for a server that is not there.
 */
export function opensearchUrl(): string {
  const url = inject('opensearchUrl');
  if (!url) {
    throw new Error('no OpenSearch URL was provided: is this test under test/integration/?');
  }
  return url;
}
