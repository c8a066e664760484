import { defineConfig } from 'vitest/config';

// Stryker's test run (stryker.config.json): the fast unit tests of the
// mutated core (ingestion, parser, enrichment, report catalog) and of the
// code built on it, as one plain project (the vitest runner takes a single
// config, not vitest.config.ts's three projects), so no mutant waits for CDK
// synth or OpenSearch. Left out: tests of code outside the mutated core (the
// CDK config, CLI, partitions and Dashboards set-up functions), whose
// start-up would only lengthen the initial run, and the CLI tests that spawn
// the command through tsx (Stryker cannot see what a child process covers).
export default defineConfig({
  test: {
    include: [
      'test/unit/ingest/**/*.test.ts',
      'test/unit/format/**/*.test.ts',
      'test/unit/enrich/**/*.test.ts',
      'test/unit/reports/**/*.test.ts',
      'test/unit/athena/**/*.test.ts',
      'test/unit/lambdas/ingest/**/*.test.ts',
      'test/unit/lambdas/shared/**/*.test.ts',
      'test/unit/lambdas/reports/**/*.test.ts',
    ],
    // A tenth of each property test's cases (test/helpers/property-runs.ts).
    env: { PROPERTY_RUNS_SCALE: '0.1' },
    testTimeout: 60_000,
    pool: 'forks',
  },
});
