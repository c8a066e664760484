import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DataMessage } from '../../../src/ingest/messages.js';
import { DEFAULT_FORMAT, parseFormatString } from '../../../src/format/flow-log-schema.js';
import { RecordParser } from '../../../src/format/parse.js';
import { DEFAULT_INTERFACES, TrafficError, generateDay, toDataMessages, toSubscriptionEvents, type TrafficDay } from '../../../testkit/traffic.js';

const DATE = '2026-11-28';
const DAY_START = Date.UTC(2026, 10, 28) / 1000;

const linesOf = (day: TrafficDay): string[] => day.streams.flatMap((s) => s.messages.map((m) => m.message));
const tokensOf = (day: TrafficDay): string[][] => linesOf(day).map((l) => l.split(' '));
const countBy = (rows: readonly string[][], at: number): Map<string, number> => {
  const m = new Map<string, number>();
  for (const t of rows) m.set(t[at]!, (m.get(t[at]!) ?? 0) + 1);
  return m;
};

// Default-format token positions.
const IFACE = 2;
const SRC = 3;
const DSTPORT = 6;
const PROTOCOL = 7;
const START = 10;
const END = 11;
const ACTION = 12;
const STATUS = 13;

describe('generateDay', () => {
  const day = generateDay({ date: DATE, records: 5000, seed: 42 });
  const rows = tokensOf(day);

  it('gives the same records, ids and streams for the same seed', () => {
    // Act
    const again = generateDay({ date: DATE, records: 5000, seed: 42 });

    // Assert
    expect(again).toEqual(day);
  });

  it('gives other records for another seed', () => {
    const other = generateDay({ date: DATE, records: 5000, seed: 43 });

    expect(linesOf(other)).not.toEqual(linesOf(day));
  });

  it('writes exactly the number of records asked for', () => {
    expect(rows).toHaveLength(5000);
    expect(day.records).toBe(5000);
    expect(generateDay({ date: DATE, records: 1, seed: 1 }).streams.flatMap((s) => s.messages)).toHaveLength(1);
    expect(generateDay({ date: DATE, records: 0, seed: 1 }).streams).toEqual([]);
  });

  it('keeps every start and end inside the UTC day, end never before start', () => {
    expect(day.startSec).toBe(DAY_START);
    expect(day.endSec).toBe(DAY_START + 86_400);
    for (const t of rows) {
      const start = Number(t[START]);
      const end = Number(t[END]);
      expect(start).toBeGreaterThanOrEqual(DAY_START);
      expect(end).toBeLessThan(DAY_START + 86_400);
      expect(end).toBeGreaterThanOrEqual(start);
      expect(end - start).toBeLessThan(60);
    }
  });

  it('groups records by interface into <eni>-all streams, in time order', () => {
    for (const s of day.streams) {
      expect(s.logStream).toBe(`${s.interface.id}-all`);
      const times = s.messages.map((m) => m.timestamp);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const m of s.messages) {
        const t = m.message.split(' ');
        expect(t[IFACE]).toBe(s.interface.id);
        expect(m.timestamp).toBe(Number(t[START]) * 1000);
      }
    }
    expect(day.streams.map((s) => s.interface.id)).toEqual(DEFAULT_INTERFACES.map((i) => i.id));
  });

  it('gives every event a unique 56-digit id', () => {
    const ids = day.streams.flatMap((s) => s.messages.map((m) => m.id));

    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[1-9]\d{55}$/);
  });

  it('writes about 1% NODATA and a few SKIPDATA records, with "-" for every flow field', () => {
    const status = countBy(rows, STATUS);

    expect(status.get('NODATA')).toBe(50);
    expect(status.get('SKIPDATA')).toBeGreaterThanOrEqual(1);
    expect(status.get('SKIPDATA')).toBeLessThanOrEqual(10);
    expect(status.get('OK')).toBe(5000 - 50 - status.get('SKIPDATA')!);
    for (const t of rows.filter((r) => r[STATUS] !== 'OK')) {
      expect(t.slice(SRC, START)).toEqual(['-', '-', '-', '-', '-', '-', '-']);
      expect(t[ACTION]).toBe('-');
    }
  });

  it('has mostly ACCEPTed traffic, with REJECTs from scanners led by one address', () => {
    const ok = rows.filter((t) => t[STATUS] === 'OK');
    const rejected = ok.filter((t) => t[ACTION] === 'REJECT');
    const bySource = [...countBy(rejected, SRC)].sort((a, b) => b[1] - a[1]);
    const byPort = countBy(rejected, DSTPORT);

    expect(rejected.length / ok.length).toBeGreaterThan(0.02);
    expect(rejected.length / ok.length).toBeLessThan(0.15);
    expect(bySource[0]![0]).toBe('218.92.0.107');
    expect(bySource[0]![1]).toBeGreaterThan(2 * bySource[1]![1]);
    for (const port of ['22', '23', '3389', '445', '8080']) expect(byPort.get(port)).toBeGreaterThan(0);
    expect([...byPort].sort((a, b) => b[1] - a[1])[0]![0]).toBe('22');
  });

  it('mixes TCP, UDP, ICMP and ICMPv6, IPv4 and IPv6', () => {
    const protocols = countBy(rows, PROTOCOL);

    for (const p of ['6', '17', '1', '58']) expect(protocols.get(p)).toBeGreaterThan(0);
    expect(protocols.get('6')! / rows.length).toBeGreaterThan(0.8);
    expect(rows.some((t) => t[SRC]!.includes(':'))).toBe(true);
  });

  it('records internet clients on the ALB, databases on 5432 and 3306, and NAT egress to 443 and 80', () => {
    const alb = new Set(DEFAULT_INTERFACES.filter((i) => i.role === 'alb').map((i) => i.id));
    const nat = DEFAULT_INTERFACES.find((i) => i.role === 'nat')!;
    const accepted = rows.filter((t) => t[ACTION] === 'ACCEPT');

    expect(accepted.some((t) => alb.has(t[IFACE]!) && t[DSTPORT] === '443' && !t[SRC]!.startsWith('10.'))).toBe(true);
    for (const port of ['5432', '3306']) expect(accepted.some((t) => t[DSTPORT] === port && t[SRC]!.startsWith('10.0.2'))).toBe(true);
    for (const port of ['443', '80']) expect(accepted.some((t) => t[IFACE] === nat.id && t[SRC] === nat.ipv4 && t[DSTPORT] === port)).toBe(true);
  });

  it('writes lines that the project parser reads without a failure', () => {
    const parser = new RecordParser(DEFAULT_FORMAT);

    for (const line of linesOf(day)) {
      const r = parser.parse(line);
      if (!r.ok) throw new Error(`${r.reason}: ${line}`);
    }
  });

  it('writes a custom format, "-" for fields it has no value for', () => {
    // Arrange
    const format = parseFormatString('${version} ${vpc-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${tcp-flags} ${type} ${flow-direction} ${traffic-path} ${ecs-cluster-name} ${start} ${log-status}');
    const parser = new RecordParser(format);

    // Act
    const custom = generateDay({ date: DATE, records: 2000, seed: 42, format });

    // Assert
    const lines = linesOf(custom);
    expect(lines).toHaveLength(2000);
    for (const line of lines) {
      const t = line.split(' ');
      expect(t).toHaveLength(13);
      expect(t[0]).toBe('7'); // the highest version among the fields: ecs-cluster-name
      expect(t[10]).toBe('-');
      const r = parser.parse(line);
      if (!r.ok) throw new Error(`${r.reason}: ${line}`);
    }
    expect(lines.some((l) => / IPv6 (ingress|egress) /.test(l))).toBe(true);
  });

  it('leaves out the traffic of roles that are not given', () => {
    const only = DEFAULT_INTERFACES.filter((i) => i.role === 'bastion');

    const bastion = generateDay({ date: DATE, records: 300, seed: 3, interfaces: only });

    expect(bastion.streams.map((s) => s.logStream)).toEqual([`${only[0]!.id}-all`]);
    expect(tokensOf(bastion)).toHaveLength(300);
  });

  it('refuses a date that is not a calendar day', () => {
    expect(() => generateDay({ date: '2026-02-30', records: 1 })).toThrow(TrafficError);
    expect(() => generateDay({ date: '28.11.2026', records: 1 })).toThrow(/YYYY-MM-DD/);
    expect(() => generateDay({ date: DATE, records: -1 })).toThrow(TrafficError);
  });
});

describe('toSubscriptionEvents', () => {
  const day = generateDay({ date: DATE, records: 3000, seed: 9 });

  it('wraps each stream in DATA_MESSAGEs of at most batchSize events, losing none', () => {
    // Act
    const events = toSubscriptionEvents(day.streams, { batchSize: 250 });

    // Assert
    const messages = events.map((e) => JSON.parse(gunzipSync(Buffer.from(e.awslogs.data, 'base64')).toString('utf8')) as DataMessage);
    for (const m of messages) {
      expect(m).toMatchObject({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/vpc/flow-logs', subscriptionFilters: ['flow-logs-to-opensearch'] });
      expect(m.logEvents.length).toBeGreaterThan(0);
      expect(m.logEvents.length).toBeLessThanOrEqual(250);
      expect(m.logEvents.every((e) => e.message.split(' ')[IFACE] + '-all' === m.logStream)).toBe(true);
    }
    const sent = messages.flatMap((m) => m.logEvents.map((e) => e.id)).sort();
    expect(sent).toEqual(day.streams.flatMap((s) => s.messages.map((e) => e.id)).sort());
  });

  it('orders the messages by their first event time', () => {
    const firsts = toDataMessages(day.streams, { batchSize: 100 }).map((m) => m.logEvents[0]!.timestamp);

    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  });

  it('takes the log group and owner given', () => {
    const [m] = toDataMessages(day.streams, { batchSize: 10, logGroup: '/custom', owner: '000011112222' });

    expect(m).toMatchObject({ logGroup: '/custom', owner: '000011112222' });
  });

  it('refuses a batch size below 1', () => {
    expect(() => toDataMessages(day.streams, { batchSize: 0 })).toThrow(TrafficError);
  });
});
