import { defineConfig } from 'vitest/config';

// Stryker's test run: the unit tests alone, as one plain project (the vitest
// runner takes a single config, not vitest.config.ts's three projects), so no
// mutant ever waits for CDK synth or OpenSearch. See stryker.config.json.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
