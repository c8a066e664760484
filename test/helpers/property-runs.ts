/**
 * Cases a property test draws: `n`, or a tenth of it in the mutation run.
 * Stryker runs every test that reaches a mutant, for each surviving mutant,
 * so thousands of cases there cost minutes and kill nothing the first
 * hundreds do not (the mutation run sets PROPERTY_RUNS_SCALE in
 * vitest.stryker.config.ts; `npm test` draws them all).
 */
export function propertyRuns(n: number): number {
  const scale = Number(process.env.PROPERTY_RUNS_SCALE ?? '1');
  return Number.isFinite(scale) && scale > 0 ? Math.max(50, Math.round(n * scale)) : n;
}
