/**
 * `npm run soak`: the long fault-injection run (issue 11). Each scenario
 * sends numbered records through the real ingest handler into a real
 * OpenSearch on 127.0.0.1, re-invokes what failed as Lambda would, and then
 * counts from the engine itself: records in, indexed exactly once,
 * duplicated, dead-lettered (with reasons), lost. Prints one table.
 *
 *   npm run soak [-- --records 100000 --only throttle,proxy,kill,redelivery,deadline]
 *   SOAK_BASELINE=/path/to/an/older/checkout npm run soak -- --only throttle-before
 *     runs the throttling scenario with that checkout's handler (the "before" figure).
 * Re-sends are counted from the summaries of the invocations that succeeded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { loadIngestConfig } from '../lambdas/ingest/config.js';
import { createIngestHandler, type HandlerOverrides, type IngestHandler } from '../lambdas/ingest/handler.js';
import { startOpenSearch, type RunningOpenSearch } from '../scripts/opensearch.mjs';
import { startFaultProxy } from '../test/helpers/fault-proxy.js';
import { invokeAll, mixedFaults, numberedMessages, outcome, rebatched, subscriptionEvent, type Outcome } from '../test/helpers/fault-scenarios.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' }, only: { type: 'string' } } });
const RECORDS = Number(values.records);
const only = values.only?.split(',');
const want = (name: string): boolean => !only || only.includes(name);
const tmp = mkdtempSync(join(tmpdir(), 'soak-'));
const rows: { scenario: string; o: Outcome; resends: number; invocations: number; failed: number; seconds: number }[] = [];
const log = (line: string): void => void process.stderr.write(`soak: ${line}\n`);

type MakeHandler = (config: ReturnType<typeof loadIngestConfig>, overrides: HandlerOverrides) => IngestHandler;

function handlers(make: MakeHandler, name: string, url: string, n: number, overrides: HandlerOverrides = {}) {
  const deadLetterDir = join(tmp, name);
  const config = loadIngestConfig({ OPENSEARCH_ENDPOINT: url, OPENSEARCH_AUTH: 'none', INDEX_PREFIX: `soak-${name}`, DEAD_LETTER_DIR: deadLetterDir, GEOIP_ENABLED: 'false' });
  return { list: Array.from({ length: n }, () => make(config, { quiet: true, ...overrides })), deadLetterDir, index: `soak-${name}-*` };
}

async function scenario(name: string, url: string, run: (h: ReturnType<typeof handlers>) => Promise<{ total: number; resends: number; invocations: number; failed: number }>, make: MakeHandler = createIngestHandler, n = 8, overrides: HandlerOverrides = {}): Promise<void> {
  log(`${name}: running`);
  const t0 = performance.now();
  const h = handlers(make, name, url, n, overrides);
  const r = await run(h);
  const client = new Client({ node: url });
  const o = await outcome(client, h.index, r.total, h.deadLetterDir);
  await client.close();
  rows.push({ scenario: name, o, resends: r.resends, invocations: r.invocations, failed: r.failed, seconds: (performance.now() - t0) / 1000 });
  log(`${name}: ${JSON.stringify(o)} resends=${r.resends}`);
}

/** Sends the batches through 8 instances, re-invoking failures (3 attempts), then replays the on-failure events until none is left. */
async function sendAll(list: readonly IngestHandler[], events: ReturnType<typeof subscriptionEvent>[], deadlineMs = 60_000) {
  let tally = await invokeAll(list, events, { concurrency: list.length, attempts: 3, deadlineMs });
  let resends = tally.retried;
  let invocations = tally.invocations;
  let failed = tally.failedInvocations;
  const errors = { ...tally.errors };
  // What reached the on-failure destination is replayed (flowlogs replay does the same).
  for (let round = 0; tally.onFailure.length > 0 && round < 10; round++) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    tally = await invokeAll(list, tally.onFailure, { concurrency: list.length, attempts: 3, deadlineMs });
    resends += tally.retried;
    invocations += tally.invocations;
    failed += tally.failedInvocations;
    for (const [k, v] of Object.entries(tally.errors)) errors[k] = (errors[k] ?? 0) + v;
  }
  if (failed > 0) log(`failed invocations by reason: ${JSON.stringify(errors)}`);
  return { resends, invocations, failed };
}

const perEvent = 1000;
const streams = Math.max(1, Math.round(RECORDS / perEvent));

async function main(): Promise<void> {
  // Real 429s: one write thread, a queue of one, eight instances at once. The baseline runs
  // only when asked for by name (`--only throttle-before`), in a process of its own: two
  // handler module graphs in one process disturbed each other's runs.
  const baseline = process.env.SOAK_BASELINE;
  for (const name of ['throttle-before', 'throttle'] as const) {
    if (name === 'throttle-before' ? !(baseline && only?.includes(name)) : !want(name)) continue;
    const engine = await startOpenSearch({ settings: { 'thread_pool.write.size': 1, 'thread_pool.write.queue_size': 1 } });
    try {
      const { messages, total } = numberedMessages(streams, perEvent);
      const events = messages.map(subscriptionEvent);
      const make = name === 'throttle' ? createIngestHandler : ((await import(join(baseline!, 'lambdas/ingest/handler.ts'))) as { createIngestHandler: MakeHandler }).createIngestHandler;
      await scenario(name, engine.url, async (h) => ({ total, ...(await sendAll(h.list, events)) }), make);
    } finally {
      await engine.stop();
    }
  }

  let engine: RunningOpenSearch | undefined;
  const normal = async (): Promise<RunningOpenSearch> => (engine ??= await startOpenSearch());
  try {
    if (want('proxy')) {
      const e = await normal();
      const proxy = await startFaultProxy(e.url, mixedFaults(300));
      const { messages, total } = numberedMessages(streams, perEvent, (n) => n % 997 === 0);
      await scenario('proxy-faults', proxy.url, async (h) => ({ total, ...(await sendAll(h.list, messages.map(subscriptionEvent))) }));
      await proxy.close();
    }

    if (want('redelivery')) {
      const e = await normal();
      const { messages, total } = numberedMessages(streams, perEvent, (n) => n % 997 === 0);
      // Each batch three times: as sent, re-batched, and again, interleaved across instances.
      const events = [...messages, ...rebatched(messages), ...messages].map(subscriptionEvent);
      await scenario('redelivery-3x', e.url, async (h) => ({ total, ...(await sendAll(h.list, events)) }));
    }

    if (want('deadline')) {
      const e = await normal();
      // Every _bulk answered after 3 s against a 2.5 s budget: all time out in time, then Lambda's retries meet a fast cluster.
      let slow = true;
      const proxy = await startFaultProxy(e.url, { latencyMs: () => (slow ? 3_000 : 0) });
      const { messages, total } = numberedMessages(Math.max(1, Math.round(streams / 10)), perEvent);
      await scenario(
        'short-deadline',
        proxy.url,
        async (h) => {
          const first = await invokeAll(h.list, messages.map(subscriptionEvent), { concurrency: h.list.length, attempts: 1, deadlineMs: 3_000 });
          slow = false;
          const rest = await sendAll(h.list, first.onFailure);
          return { total, resends: first.retried + rest.resends, invocations: first.invocations + rest.invocations, failed: first.failedInvocations + rest.failed };
        },
        createIngestHandler,
        8,
        { reserveMs: 500 },
      );
      await proxy.close();
    }
  } finally {
    await engine?.stop();
  }

  if (want('kill')) {
    // kill -9 of OpenSearch mid-run, restarted on the same port and data; failed events re-invoked as Lambda would.
    const dataDir = mkdtempSync(join(tmpdir(), 'soak-kill-data-'));
    let e = await startOpenSearch({ dataDir });
    const port = Number(new URL(e.url).port);
    try {
      const { messages, total } = numberedMessages(streams, perEvent);
      await scenario('kill-9-restart', e.url, async (h) => {
        const killer = (async () => {
          await new Promise((resolve) => setTimeout(resolve, 8_000));
          log('kill -9 OpenSearch');
          process.kill(e.pid!, 'SIGKILL');
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          e = await startOpenSearch({ dataDir, port });
          log('OpenSearch restarted');
        })();
        const r = await sendAll(h.list, messages.map(subscriptionEvent), 30_000);
        await killer;
        return { total, ...r };
      });
    } finally {
      await e.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  const table = rows.map((r) => ({
    scenario: r.scenario,
    'records in': r.o.recordsIn,
    'indexed once': r.o.indexedOnce,
    duplicated: r.o.duplicated,
    'dead-lettered': r.o.deadLettered,
    reasons: Object.entries(r.o.reasons).map(([k, v]) => `${v} ${k}`).join('; '),
    lost: r.o.lost,
    're-sends': r.resends,
    're-send ratio': Number((r.resends / r.o.recordsIn).toFixed(3)),
    invocations: r.invocations,
    'failed invocations': r.failed,
    seconds: Number(r.seconds.toFixed(1)),
  }));
  console.table(table);
  rmSync(tmp, { recursive: true, force: true });
  if (rows.some((r) => r.o.lost > 0 || r.o.duplicated > 0)) process.exitCode = 1;
}

await main();
