/**
 * What the ingest function asks of OpenSearch besides `_bulk`: the idempotent
 * install of the index layout (templates and ISM policy) and each daily
 * index's id scheme. Over the function's own HTTP path (./opensearch-http.ts).
 */
import { httpStatusOf, type Deadline } from '../../src/ingest/deliver.js';
import type { IndexLayout } from '../../src/ingest/index-template.js';
import type { IndexMetaAnswer, IndexMetaSource } from '../../src/ingest/index-id-schemes.js';
import type { OpenSearchRequester } from './opensearch-http.js';

/**
 * Reads a daily index's mapping `_meta` (its document id scheme):
 * `GET /<index>/_mapping?filter_path=*.mappings._meta`, so the answer is a few
 * bytes rather than the whole mapping. The ingest role's IAM grant on
 * `<indexPrefix>-*` covers the path; with fine-grained access control the
 * role needs `indices:admin/mappings/get` (src/reports/opensearch-roles.ts).
 */
export function indexMetaSource(http: OpenSearchRequester): IndexMetaSource {
  return {
    async indexMeta(index, { timeoutMs }): Promise<IndexMetaAnswer> {
      try {
        const res = await http.request({ method: 'GET', path: `/${encodeURIComponent(index)}/_mapping`, query: { filter_path: '*.mappings._meta' }, timeoutMs });
        // {} when the index has no _meta; otherwise { "<index>": { "mappings": { "_meta": {...} } } }.
        const entry = Object.values((res.body ?? {}) as Record<string, { mappings?: { _meta?: unknown } }>)[0];
        return entry?.mappings?._meta !== undefined ? { exists: true, meta: entry.mappings._meta } : { exists: true };
      } catch (err) {
        if (httpStatusOf(err) === 404) return { exists: false };
        throw err;
      }
    },
  };
}

/** What {@link ensureIndexLayout} did. */
export interface LayoutOutcome {
  readonly template: 'installed' | 'current';
  readonly policy: 'installed' | 'current' | 'unsupported';
}

/**
 * Installs the component template, the index template and the ISM policy
 * when they are missing or older. Safe when many instances start at once:
 * each PUT writes the same content, and the ISM policy uses optimistic
 * concurrency so a lost race only means another instance won it. A cluster
 * without the ISM plugin (a bare engine) gets the templates only.
 */
export async function ensureIndexLayout(http: OpenSearchRequester, layout: IndexLayout, deadline: Deadline): Promise<LayoutOutcome> {
  let template: LayoutOutcome['template'] = 'current';
  const current = await http.request({ method: 'GET', path: `/_index_template/${encodeURIComponent(layout.templateName)}`, timeoutMs: deadline() })
    .then((r) => (r.body as { index_templates?: { index_template?: { version?: number } }[] }).index_templates?.[0]?.index_template?.version)
    .catch((err: unknown) => {
      if (httpStatusOf(err) === 404) return undefined;
      throw err;
    });
  if (current !== layout.version) {
    await http.request({ method: 'PUT', path: `/_component_template/${encodeURIComponent(layout.componentName)}`, body: layout.component, timeoutMs: deadline() });
    await http.request({ method: 'PUT', path: `/_index_template/${encodeURIComponent(layout.templateName)}`, body: layout.template, timeoutMs: deadline() });
    template = 'installed';
  }
  return { template, policy: await ensurePolicy(http, layout, deadline) };
}

async function ensurePolicy(http: OpenSearchRequester, layout: IndexLayout, deadline: Deadline): Promise<LayoutOutcome['policy']> {
  const path = `/_plugins/_ism/policies/${encodeURIComponent(layout.policyName)}`;
  let existing: { _seq_no?: number; _primary_term?: number; policy?: { description?: string } } | undefined;
  try {
    existing = (await http.request({ method: 'GET', path, timeoutMs: deadline() })).body as typeof existing;
  } catch (err) {
    const status = httpStatusOf(err);
    // 400 "no handler found for uri": the ISM plugin is not installed.
    if (status === 400 || status === 405) return 'unsupported';
    if (status !== 404) throw err;
  }
  const wanted = layout.policy as { policy: { description: string } };
  if (existing?.policy?.description === wanted.policy.description) return 'current';
  const query: Record<string, number> = existing?._seq_no !== undefined && existing._primary_term !== undefined ? { if_seq_no: existing._seq_no, if_primary_term: existing._primary_term } : {};
  try {
    await http.request({ method: 'PUT', path, query, body: layout.policy, timeoutMs: deadline() });
  } catch (err) {
    // 409: another instance installed or updated it first.
    if (httpStatusOf(err) !== 409) throw err;
  }
  return 'installed';
}
