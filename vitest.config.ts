import { defineConfig } from 'vitest/config';

// Three projects: `unit` (fast, pure code and thin handlers), `infra` (CDK synth, cdk-nag,
// cfn-lint: slow) and `integration` (real OpenSearch, browser). OpenSearch starts only when an
// integration test is selected: Vitest runs a project's globalSetup only if that project has
// files in the run. `vitest run --project unit` is the quick loop.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Covers a cold first start: Maven build plus JVM boot.
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
    // The AWS SDK warns, once per process, that its releases after the first week of January
    // 2027 need Node 22. The tests run on Node 20 by design (the machine's), so in a test run
    // it is noise nobody can act on; the CLI and the functions (Node 22) keep the SDK's default.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Child processes, not threads: the CDK and AWS SDK hold process-wide state; 2 cores, 2 workers.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // A file's first synth loads aws-cdk-lib and cdk-nag: over a minute on a busy 2-core machine.
          testTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          // One shared engine: files run one at a time so cluster-wide state (templates) cannot race.
          fileParallelism: false,
        },
      },
    ],
  },
});
