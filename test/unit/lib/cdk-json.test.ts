import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { propsFromContext, resolveConfig } from '../../../lib/config.js';

describe('the cdk.json the repository ships', () => {
  const cdkJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../../cdk.json', import.meta.url)), 'utf8')) as { context: Record<string, unknown> };
  const { 'flowlogs:stackName': _stackName, ...context } = cdkJson.context;

  it('is a valid configuration, so `npx cdk synth` works on a fresh clone', () => {
    expect(() => resolveConfig(propsFromContext(context))).not.toThrow();
  });

  it('leaves the domain volume to the sizing and reserves no concurrency, as a new account needs', () => {
    const config = resolveConfig(propsFromContext(context));

    // 10 million records a day x 151.8 bytes, 31 days, x 2 x 1.45 x 1.2 = 152.5 GiB over 2 nodes -> 77 each.
    expect(config.domain).toMatchObject({ kind: 'new', volumeSizeGiB: 77 });
    expect(config.ingestReservedConcurrency).toBeUndefined();
  });
});
