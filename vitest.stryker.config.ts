import { defineConfig } from 'vitest/config';

// Stryker's test run (stryker.config.json): the fast unit tests only, as one
// plain project (the vitest runner takes a single config, not
// vitest.config.ts's three projects), so no mutant waits for CDK synth or
// OpenSearch. Left out: the CLI tests that spawn the command through tsx
// (seconds each, and Stryker cannot see what the child process covers) and
// the traffic generator's tests (testkit, not the product).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/cli/parse-command.test.ts', 'test/unit/cli/transform-command.test.ts', 'test/unit/cli/partitions.test.ts', 'test/unit/testkit/**'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
