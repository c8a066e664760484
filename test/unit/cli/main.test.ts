import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'flowlogs-main-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('flowlogs failures', () => {
  it('prints one line, no stack, for a dead-letter file that is not dead letters', () => {
    const file = join(scratch, 'bad.ndjson');
    writeFileSync(file, 'not json\n');

    const r = runCli(['replay', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', file]);

    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`flowlogs: ${file}:1: not a JSON dead letter: Unexpected token 'o', "not json" is not valid JSON\n`);
  });

  it('prints one line for an unknown option', () => {
    const r = runCli(['parse', '--no-such-option']);

    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
