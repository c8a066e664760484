/**
 * The alarm watches a metric the function really emits: one invocation of the
 * real ingest handler against the real OpenSearch, its stdout captured, the
 * embedded-metric-format (EMF) documents read back, and each compared with
 * the metric of the `DeadLettersWritten` alarm in the synthesized template
 * (namespace, name and the full dimension set, which together name a
 * CloudWatch metric).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadIngestConfig } from '../../lambdas/ingest/config.js';
import { createIngestHandler } from '../../lambdas/ingest/handler.js';
import { CONFIGS, resourcesOf, synthesize } from '../helpers/flow-logs-stack.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../helpers/events.js';
import { opensearchUrl } from '../helpers/opensearch-url.js';

const PREFIX = 'it-emf';

/** One EMF document: the `_aws` metadata and the values and dimensions at the top level. */
interface Emf {
  readonly _aws: { readonly CloudWatchMetrics: readonly { readonly Namespace: string; readonly Dimensions: readonly (readonly string[])[]; readonly Metrics: readonly { readonly Name: string; readonly Unit?: string }[] }[] };
  readonly [key: string]: unknown;
}

/** A metric as CloudWatch names it: namespace, name, dimensions. */
interface MetricId {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, unknown>>;
}

/** Every metric in the EMF documents among `lines`, with its value. */
function emfMetrics(lines: readonly string[]): (MetricId & { value: unknown })[] {
  const out: (MetricId & { value: unknown })[] = [];
  for (const line of lines) {
    let doc: Emf;
    try {
      doc = JSON.parse(line) as Emf;
    } catch {
      continue;
    }
    for (const directive of doc._aws?.CloudWatchMetrics ?? []) {
      for (const set of directive.Dimensions) {
        for (const m of directive.Metrics) {
          out.push({ namespace: directive.Namespace, name: m.Name, dimensions: Object.fromEntries(set.map((d) => [d, doc[d]])), value: doc[m.Name] });
        }
      }
    }
  }
  return out;
}

let client: Client;
let tmp: string;
let watched: MetricId;

beforeAll(() => {
  client = new Client({ node: opensearchUrl() });
  tmp = mkdtempSync(join(tmpdir(), 'emf-it-'));
  // The alarm's metric as the template states it (a synth takes a while on a busy machine: a hook has the time).
  const { template } = synthesize(CONFIGS.both);
  const [alarm] = Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('OperationsDeadLettersWritten'));
  const props = alarm![1].Properties as { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
  watched = { namespace: props.Namespace, name: props.MetricName, dimensions: Object.fromEntries(props.Dimensions.map((d) => [d.Name, d.Value])) };
});

afterAll(async () => {
  await client.indices.delete({ index: `${PREFIX}*` } as never).catch(() => undefined);
  await client.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('ingest metrics', () => {
  it('emits, from a real invocation, the metric the DeadLettersWritten alarm watches, and the cold-start metric', async () => {
    // Arrange: as Lambda starts an on-demand environment (Powertools counts a cold start only then).
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const handler = createIngestHandler(
      loadIngestConfig({ OPENSEARCH_ENDPOINT: opensearchUrl(), OPENSEARCH_AUTH: 'none', INDEX_PREFIX: PREFIX, DEAD_LETTER_DIR: join(tmp, 'dl'), GEOIP_ENABLED: 'false' }),
      { minDelayMs: 5, maxDelayMs: 50 },
    );
    const context = { functionName: 'FlowLogs-IngestFunction', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 };
    // One good record and one line that can never be indexed: it is dead-lettered.
    const event = subscriptionEvent(dataMessage([defaultRecord(), 'not a flow-log record'], { idBase: '42' }));
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(...String(chunk).split('\n'));
      return true;
    });

    // Act
    let summary;
    try {
      summary = await handler(event, context);
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }

    // Assert
    expect(summary).toMatchObject({ recordsIn: 2, indexed: 1, deadLettered: 1 });
    const metrics = emfMetrics(written);
    expect(metrics.filter((m) => m.name === watched.name)).toEqual([{ ...watched, value: 1 }]);
    expect(metrics.find((m) => m.name === 'ColdStart')).toEqual({
      namespace: 'VpcFlowLogs',
      name: 'ColdStart',
      dimensions: { service: 'ingest', function_name: 'FlowLogs-IngestFunction' },
      value: 1,
    });
  });
});
