import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bulkBody, planBulk } from '../../../src/ingest/bulk.js';
import { DEFAULT_FORMAT } from '../../../src/format/flow-log-schema.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { RecordParser } from '../../../src/format/parse.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../../helpers/events.js';
import { runCli } from '../../helpers/run-cli.js';

describe('flowlogs transform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'transform-'));
  const msg = dataMessage([defaultRecord(), defaultRecord({ action: 'REJECT', dstport: 22 })]);
  const file = join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(subscriptionEvent(msg)));

  it('writes the _bulk body the ingest function would send', () => {
    const r = runCli(['transform', '--no-geoip', file]);
    expect(r.status).toBe(0);
    const expected = bulkBody(planBulk(msg, { parser: new RecordParser(DEFAULT_FORMAT), namer: new DailyIndexNamer('vpcflowlogs') }).items);
    expect(r.stdout).toBe(expected);
    expect(r.stdout.split('\n')).toHaveLength(5);
  });

  it('reports undecodable files and bad records on stderr and exits 2, keeping the rest', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ awslogs: { data: 'not base64!' } }));
    const mixed = join(dir, 'mixed.json');
    writeFileSync(mixed, JSON.stringify(subscriptionEvent(dataMessage([defaultRecord(), 'junk']))));
    const r = runCli(['transform', '--no-geoip', bad, mixed]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: base64: /);
    expect(r.stderr).toMatch(/mixed\.json: event 375800000001: expected 14/);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
  });
});
