import { describe, expect, it } from 'vitest';
import { OpenSearchHttpError } from '../../../../lambdas/errors.js';
import { ensureIndexLayout, indexMetaSource } from '../../../../lambdas/shared/index-layout.js';
import type { HttpCall, OpenSearchRequester } from '../../../../lambdas/shared/opensearch-http.js';
import { indexLayout } from '../../../../src/ingest/index-template.js';

type Call = { method: string; path: string; query?: unknown; body?: unknown };
const httpError = (statusCode: number) => new OpenSearchHttpError(`HTTP ${statusCode}`, statusCode);

/** A requester whose requests are answered by `answer`, recording them (without their time limits). */
function fakeClient(answer: (c: Call) => unknown): { client: OpenSearchRequester; calls: Call[] } {
  const calls: Call[] = [];
  const client: OpenSearchRequester = {
    async request({ timeoutMs: _t, ...c }: HttpCall) {
      calls.push(c);
      const r = answer(c);
      if (r instanceof Error) throw r;
      return { status: 200, body: r };
    },
  };
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
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', query: { if_seq_no: 7, if_primary_term: 2 } });
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

describe('indexMetaSource', () => {
  it('asks for the mapping _meta of the one index only, and reads what it declares', async () => {
    const { client, calls } = fakeClient(() => ({ 'vpcflowlogs-2026.12.02': { mappings: { _meta: { doc_id_scheme: 2 } } } }));

    const answer = await indexMetaSource(client).indexMeta('vpcflowlogs-2026.12.02', { timeoutMs: 1000 });

    expect(answer).toEqual({ exists: true, meta: { doc_id_scheme: 2 } });
    expect(calls).toEqual([{ method: 'GET', path: '/vpcflowlogs-2026.12.02/_mapping', query: { filter_path: '*.mappings._meta' } }]);
  });

  it('takes the empty answer filter_path gives for a mapping without _meta for an index that exists', async () => {
    const { client } = fakeClient(() => ({}));

    expect(await indexMetaSource(client).indexMeta('vpcflowlogs-2026.12.01', { timeoutMs: 1000 })).toEqual({ exists: true });
  });

  it('takes 404 for an index not created yet, and passes other failures on', async () => {
    const missing = fakeClient(() => httpError(404)).client;
    const refused = fakeClient(() => httpError(403)).client;

    expect(await indexMetaSource(missing).indexMeta('vpcflowlogs-2026.12.03', { timeoutMs: 1000 })).toEqual({ exists: false });
    await expect(indexMetaSource(refused).indexMeta('vpcflowlogs-2026.12.03', { timeoutMs: 1000 })).rejects.toThrow(/403/);
  });
});
