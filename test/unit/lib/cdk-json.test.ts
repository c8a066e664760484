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

    expect(config.domain).toMatchObject({ kind: 'new', volumeSizeGiB: 94 });
    expect(config.ingestReservedConcurrency).toBeUndefined();
  });
});
