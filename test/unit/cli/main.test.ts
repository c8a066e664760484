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

  it('stops replaying an event at its --timeout-seconds when nothing listens, with one line (it used to retry forever)', () => {
    const file = join(scratch, 'letter.ndjson');
    writeFileSync(file, JSON.stringify({ stage: 'index', reason: 'x', logGroup: 'g', logStream: 's', id: '1', timestamp: 1_700_000_000_000, message: 'm' }) + '\n');

    const started = Date.now();
    const r = runCli(['replay', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', '--timeout-seconds', '6', '--dead-letter-dir', join(scratch, 'again'), file]);

    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^flowlogs: could not install the index template after \d+ attempt\(s\) before the deadline: .*ECONNREFUSED 127\.0\.0\.1:9\n$/);
    // The event's deadline is 6 s (less the handler's 5 s reserve), not a constant time left.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('refuses a --timeout-seconds the handler cannot work within, naming the flag', () => {
    const r = runCli(['replay', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', '--timeout-seconds', '5', 'x.ndjson']);

    expect(r.status).toBe(1);
    expect(r.stderr).toBe('flowlogs: --timeout-seconds must be a whole number of at least 6, got "5"\n');
  });

  it('names a bad --index-prefix or --format of replay by its flag, not by the variable the handler reads (it used to say INDEX_PREFIX, FLOW_LOG_FORMAT)', () => {
    const prefix = runCli(['replay', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', '--index-prefix', 'BAD', 'x.ndjson']);
    expect(prefix.status).toBe(1);
    expect(prefix.stderr).toBe('flowlogs: --index-prefix must be lower-case letters, digits, - or _, got "BAD"\n');

    const format = runCli(['replay', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', '--format', '${srcaddr} ${nope}', 'x.ndjson']);
    expect(format.status).toBe(1);
    expect(format.stderr).toMatch(/^flowlogs: --format \(or FLOW_LOG_FORMAT\): unknown flow-log field "nope" \(known fields: version, /);
  });

  it('prints one line for an unknown option', () => {
    const r = runCli(['parse', '--no-such-option']);

    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
