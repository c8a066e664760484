import type { Client } from '@opensearch-project/opensearch';
import { describe, expect, it } from 'vitest';
import { clientIndexMetaSource, clientTransport, ensureIndexLayout } from '../../../../lambdas/shared/opensearch.js';
import { indexLayout } from '../../../../src/ingest/index-template.js';

type Call = { method: string; path: string; querystring?: unknown; body?: unknown };
const httpError = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { meta: { statusCode } });

/** A client whose requests are answered by `answer`, recording them. */
function fakeClient(answer: (c: Call) => unknown): { client: Client; calls: Call[] } {
  const calls: Call[] = [];
  // Like the client's, the promise can be aborted.
  const request = (c: Call) => {
    calls.push(c);
    const r = answer(c);
    return Object.assign(r instanceof Error ? Promise.reject(r) : Promise.resolve({ body: r }), { abort: () => undefined });
  };
  const client = {
    transport: { request },
    indices: { getIndexTemplate: ({ name }: { name: string }) => request({ method: 'GET', path: `/_index_template/${name}` }) },
  } as unknown as Client;
  return { client, calls };
}

const layout = indexLayout('vpcflowlogs', 30);
const puts = (calls: Call[]) => calls.filter((c) => c.method === 'PUT').map((c) => c.path);

describe('ensureIndexLayout', () => {
  it('installs templates and the ISM policy on a new cluster', async () => {
    const { client, calls } = fakeClient((c) => (c.method === 'GET' ? httpError(404) : { acknowledged: true }));
    expect(await ensureIndexLayout(client, layout, () => 10_000)).toEqual({ template: 'installed', policy: 'installed' });
    expect(puts(calls)).toEqual(['/_component_template/vpcflowlogs-mappings', '/_index_template/vpcflowlogs', '/_plugins/_ism/policies/vpcflowlogs-retention']);
  });

  it('writes nothing when the installed layout is current', async () => {
    const { client, calls } = fakeClient((c) =>
      c.path.startsWith('/_index_template') ? { index_templates: [{ index_template: { version: layout.version } }] } : { _seq_no: 3, _primary_term: 1, policy: (layout.policy as { policy: unknown }).policy },
    );
    expect(await ensureIndexLayout(client, layout, () => 10_000)).toEqual({ template: 'current', policy: 'current' });
    expect(puts(calls)).toEqual([]);
  });

  it('updates an outdated policy with optimistic concurrency, and a lost race is fine', async () => {
    const { client, calls } = fakeClient((c) => {
      if (c.path.startsWith('/_index_template') && c.method === 'GET') return { index_templates: [{ index_template: { version: layout.version } }] };
      if (c.method === 'GET') return { _seq_no: 7, _primary_term: 2, policy: { description: 'older' } };
      return httpError(409);
    });
    expect(await ensureIndexLayout(client, layout, () => 10_000)).toEqual({ template: 'current', policy: 'installed' });
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', querystring: { if_seq_no: 7, if_primary_term: 2 } });
  });

  it('carries on without a policy where the ISM plugin is missing', async () => {
    const { client } = fakeClient((c) => (c.path.startsWith('/_plugins') ? httpError(400) : c.method === 'GET' ? httpError(404) : {}));
    expect(await ensureIndexLayout(client, layout, () => 10_000)).toEqual({ template: 'installed', policy: 'unsupported' });
  });

  it('fails on other errors, so the next invocation tries again', async () => {
    const { client } = fakeClient(() => httpError(403));
    await expect(ensureIndexLayout(client, layout, () => 10_000)).rejects.toThrow(/403/);
  });
});

describe('clientIndexMetaSource', () => {
  it('asks for the mapping _meta of the one index only, and reads what it declares', async () => {
    const { client, calls } = fakeClient(() => ({ 'vpcflowlogs-2026.12.02': { mappings: { _meta: { doc_id_scheme: 2 } } } }));

    const answer = await clientIndexMetaSource(client).indexMeta('vpcflowlogs-2026.12.02', { timeoutMs: 1000 });

    expect(answer).toEqual({ exists: true, meta: { doc_id_scheme: 2 } });
    expect(calls).toEqual([{ method: 'GET', path: '/vpcflowlogs-2026.12.02/_mapping', querystring: { filter_path: '*.mappings._meta' } }]);
  });

  it('takes the empty answer filter_path gives for a mapping without _meta for an index that exists', async () => {
    const { client } = fakeClient(() => ({}));

    expect(await clientIndexMetaSource(Promise.resolve(client)).indexMeta('vpcflowlogs-2026.12.01', { timeoutMs: 1000 })).toEqual({ exists: true });
  });

  it('takes 404 for an index not created yet, and passes other failures on', async () => {
    const missing = fakeClient(() => httpError(404)).client;
    const refused = fakeClient(() => httpError(403)).client;

    expect(await clientIndexMetaSource(missing).indexMeta('vpcflowlogs-2026.12.03', { timeoutMs: 1000 })).toEqual({ exists: false });
    await expect(clientIndexMetaSource(refused).indexMeta('vpcflowlogs-2026.12.03', { timeoutMs: 1000 })).rejects.toThrow(/403/);
  });
});

describe('clientTransport', () => {
  it('asks OpenSearch for only the status and error of each item, and maps them', async () => {
    const { client, calls } = fakeClient(() => ({
      items: [{ index: { status: 201 } }, { create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } }],
    }));

    const items = await clientTransport(client).bulk('{"index":{}}\n{}\n{"create":{}}\n{}\n', { timeoutMs: 1000 });

    expect(calls).toEqual([
      expect.objectContaining({ method: 'POST', path: '/_bulk', querystring: { filter_path: 'items.*.status,items.*.error.type,items.*.error.reason' } }),
    ]);
    expect(items).toEqual([{ status: 201 }, { status: 429, error: 'es_rejected_execution_exception: queue full' }]);
  });
});
