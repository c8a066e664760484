import { basename, relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order a mutant's test files run in: property tests last; before them
 * the tests of the mutated file itself (`deliver.ts`: `deliver*.test.ts`),
 * then the others, quickest first (by their last duration). Stryker stops at
 * the first failing test. vitest's own order (slowest first) had a mutant
 * that a 20 ms test kills wait for a 2 s property test first, and "quickest
 * first" alone ran the pipeline's tests before delivery's own: a delivery
 * mutant that retries forever hung there, under a pipeline deadline that
 * stands still, until Stryker's timeout, where delivery's own tests (a
 * deadline that runs out) kill it within 2 s. The mutated file is the one
 * Stryker's vitest runner passes as `related`. A surviving mutant runs
 * every covering test in any order, so nothing is weakened.
 */
class QuickestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const mutated = (this.ctx.config.related ?? []).map((file) => basename(file).replace(/\.ts$/, ''));
    const own = (spec: TestSpecification): boolean => {
      const name = basename(spec.moduleId);
      return mutated.some((base) => name.startsWith(`${base}.`) || name.startsWith(`${base}-`));
    };
    const cost = (spec: TestSpecification): [number, number, number] => {
      const key = `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
      return [spec.moduleId.endsWith('.property.test.ts') ? 1 : 0, own(spec) ? 0 : 1, this.ctx.cache.getFileTestResults(key)?.duration ?? 0];
    };
    return Promise.resolve(
      files
        .map((spec) => ({ spec, cost: cost(spec) }))
        .sort((a, b) => a.cost[0] - b.cost[0] || a.cost[1] - b.cost[1] || a.cost[2] - b.cost[2])
        .map(({ spec }) => spec),
    );
  }
}

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
    // Not `isolate: false`: a worker would keep the modules it loaded from one
    // mutant's run to the next, so a value a module computes once (the report
    // catalog's entries) would keep the first mutant's, and mutants the tests
    // kill survived (3 in catalog.ts in the whole run of 2026-12-02 16:32),
    // for 15% less time (decode.ts alone: 1 min 49 s -> 1 min 33 s).
    sequence: { sequencer: QuickestFirst },
  },
});
