import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataMessage, defaultRecord, subscriptionEvent } from '../../helpers/events.js';
import { runCli } from '../../helpers/run-cli.js';

describe('flowlogs transform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'transform-'));
  const msg = dataMessage([defaultRecord(), defaultRecord({ action: 'REJECT', dstport: 22 })]);
  const file = join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(subscriptionEvent(msg)));

  it('writes the _bulk body the ingest function would send', () => {
    // Golden body, checked by hand: 1795824000 is 2026-11-28T00:00:00Z (date -u -d @1795824000);
    // 198.18.0.10 is in 198.18.0.0/15, benchmarking (RFC 2544); protocol 6 is tcp; the _id is the
    // first 12 bytes of sha256("/vpc/flow-logs\0eni-0a1b2c3d4e5f60718-all\0<event id>") in base64url
    // (id scheme 2; transform writes no index, so it takes the current scheme), computed with
    //   printf '/vpc/flow-logs\0eni-0a1b2c3d4e5f60718-all\0%s' 375800000000 | sha256sum | cut -c1-24 | xxd -r -p | base64 | tr '+/' '-_'
    const doc = (dstport: number, action: string): string =>
      `{"version":2,"account_id":"012345678901","interface_id":"eni-0a1b2c3d4e5f60718","srcaddr":"198.18.0.10","dstaddr":"10.0.1.5",` +
      `"srcport":44321,"dstport":${dstport},"protocol":6,"packets":10,"bytes":8400,"start":1795824000,"end":1795824060,"action":"${action}","log_status":"OK",` +
      `"@timestamp":"2026-11-28T00:00:00.000Z","end_time":"2026-11-28T00:01:00.000Z","duration":60,"protocol_name":"tcp","src_addr_scope":"benchmarking","dst_addr_scope":"private"}`;
    const golden = [
      '{"index":{"_index":"vpcflowlogs-2026.11.28","_id":"Q3PEg2a66pxFobNp"}}',
      doc(443, 'ACCEPT'),
      '{"index":{"_index":"vpcflowlogs-2026.11.28","_id":"igQ3GmVVoyElnvPw"}}',
      doc(22, 'REJECT'),
      '',
    ].join('\n');

    const r = runCli(['transform', '--no-geoip', file]);

    expect(r.status).toBe(0);
    expect(r.stdout).toBe(golden);
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
