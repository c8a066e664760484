/**
 * The OpenSearch index layout, generated from the field definitions: a
 * component template with the typed mapping, a composable index template for
 * the daily indices, and an ISM policy that deletes them after N days.
 * https://docs.opensearch.org/latest/im-plugin/index-templates/
 * https://docs.opensearch.org/latest/im-plugin/ism/policies/
 */
import { createHash } from 'node:crypto';
import { ENRICHMENT_FIELDS } from '../format/document.js';
import { FLOW_LOG_FIELDS } from '../format/flow-log-schema.js';
import { indexPattern } from './index-name.js';
import { CURRENT_DOC_ID_SCHEME, DOC_ID_SCHEME_META_KEY } from './doc-id.js';

type Mapping = Record<string, unknown>;

/**
 * Properties of the mapping. Every documented flow-log field is mapped, not
 * only the configured format's, so changing the format never needs a new
 * template. ECS-style names are `alias` fields: queryable under both names,
 * stored once.
 */
export function mappingProperties(): Record<string, Mapping> {
  const props: Record<string, Mapping> = {};
  const aliases: [string, string][] = [];
  for (const f of FLOW_LOG_FIELDS) {
    props[f.key] = { type: f.search };
    if (f.ecs) aliases.push([f.ecs, f.key]);
  }
  for (const f of ENRICHMENT_FIELDS) {
    props[f.key] = f.search === 'date' ? { type: 'date', format: 'strict_date_optional_time||epoch_millis' } : { type: f.search };
    if (f.ecs) aliases.push([f.ecs, f.key]);
  }
  for (const [path, target] of aliases) setPath(props, path.split('.'), { type: 'alias', path: target });
  return props;
}

// Dotted ECS names become nested object properties, as OpenSearch expects.
function setPath(props: Record<string, Mapping>, parts: string[], leaf: Mapping): void {
  const [head, ...rest] = parts as [string, ...string[]];
  if (rest.length === 0) {
    props[head] = leaf;
    return;
  }
  const node = (props[head] ??= { properties: {} }) as { properties: Record<string, Mapping> };
  setPath(node.properties, rest, leaf);
}

/** Everything needed to install the layout for one index prefix. */
export interface IndexLayout {
  readonly componentName: string;
  readonly component: Mapping;
  readonly templateName: string;
  readonly template: Mapping;
  readonly policyName: string;
  readonly policy: Mapping;
  /** Changes whenever the templates change, so an outdated install is replaced. */
  readonly version: number;
}

/** The layout for daily indices `<prefix>-YYYY.MM.DD` kept `retentionDays` days. */
export function indexLayout(prefix: string, retentionDays: number): IndexLayout {
  const component = {
    template: {
      settings: {
        // One shard per day suits flow-log volumes up to tens of GB a day;
        // more shards per small index only cost heap.
        'index.number_of_shards': 1,
        'index.refresh_interval': '10s',
        'index.codec': 'best_compression',
      },
      // strict: a document with a key the mapping does not know is refused
      // (and dead-lettered) rather than silently widening the mapping.
      // _meta: each index created from this template says which document ids
      // it holds, and keeps them for life (src/ingest/index-id-schemes.ts).
      mappings: { dynamic: 'strict', _meta: { [DOC_ID_SCHEME_META_KEY]: CURRENT_DOC_ID_SCHEME }, properties: mappingProperties() },
    },
  };
  const body = JSON.stringify(component);
  const version = parseInt(createHash('sha256').update(body).update(String(retentionDays)).digest('hex').slice(0, 7), 16);
  const componentName = `${prefix}-mappings`;
  return {
    componentName,
    component: { ...component, version },
    templateName: prefix,
    template: {
      index_patterns: [indexPattern(prefix)],
      composed_of: [componentName],
      priority: 200,
      version,
      _meta: { description: 'VPC Flow Logs daily indices', managed_by: 'vpc-flow-logs-analytics' },
    },
    policyName: `${prefix}-retention`,
    policy: {
      policy: {
        description: `Delete ${prefix} indices ${retentionDays} days after creation`,
        default_state: 'hot',
        states: [
          { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: `${retentionDays}d` } }] },
          { name: 'delete', actions: [{ delete: {} }], transitions: [] },
        ],
        ism_template: [{ index_patterns: [indexPattern(prefix)], priority: 100 }],
      },
    },
    version,
  };
}
