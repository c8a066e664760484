/**
 * Who may do what inside OpenSearch when fine-grained access control is on
 * (`dashboardsSignIn: 'cognito'`): two roles of our own, least privilege for
 * the functions, and their mappings to IAM roles (backend roles), applied
 * through the security plugin's REST API.
 *
 * API: https://opensearch.org/docs/latest/security/access-control/api/
 * (`PUT _plugins/_security/api/roles/<name>`, `PUT .../rolesmapping/<name>`).
 * Action groups (`write`, `create_index`, `read`, `cluster_composite_ops_ro`):
 * https://opensearch.org/docs/latest/security/access-control/default-action-groups/
 * On Amazon OpenSearch Service the IAM master role configures them:
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html
 */
import { DashboardsError } from '../errors.js';
import { answerMessage, type HttpTransport } from './dashboards-import.js';

/** The ingest function's role: bulk writes into the daily indices, plus the templates and ISM policy it installs. */
export const INGEST_ROLE = 'flowlogs_ingest';
/** Read-only searches over the daily indices: the report function and the people who sign in to Dashboards. */
export const READER_ROLE = 'flowlogs_reader';
/** The security plugin's built-in role that lets a user open Dashboards and keep saved objects. */
export const DASHBOARDS_USER_ROLE = 'opensearch_dashboards_user';
/** Where the security plugin's REST API lives. */
export const SECURITY_API_PATH = '/_plugins/_security/api';

/** An OpenSearch security role as the REST API takes it. */
export interface SecurityRole {
  readonly description: string;
  readonly cluster_permissions: readonly string[];
  readonly index_permissions: readonly { readonly index_patterns: readonly string[]; readonly allowed_actions: readonly string[] }[];
}

/** The two roles, for the indices `<indexPrefix>-*`. */
export function securityRoles(indexPrefix: string): Readonly<Record<typeof INGEST_ROLE | typeof READER_ROLE, SecurityRole>> {
  const indices = [`${indexPrefix}-*`];
  return {
    [INGEST_ROLE]: {
      description: 'VPC flow logs ingest function: _bulk into the daily indices, their id scheme, and the index templates and ISM policy it installs',
      cluster_permissions: [
        // _bulk is a cluster-level action; the per-index writes are checked below.
        'indices:data/write/bulk',
        'cluster:admin/component_template/*',
        'indices:admin/index_template/*',
        'cluster:admin/opendistro/ism/policy/*',
      ],
      // mappings/get: the document id scheme a daily index declares (src/ingest/index-id-schemes.ts).
      index_permissions: [{ index_patterns: indices, allowed_actions: ['create_index', 'write', 'indices:admin/mappings/get'] }],
    },
    [READER_ROLE]: {
      description: 'VPC flow logs readers (report function, Dashboards users): search the daily indices',
      cluster_permissions: ['cluster_composite_ops_ro'],
      index_permissions: [{ index_patterns: indices, allowed_actions: ['read'] }],
    },
  };
}

/** Which IAM roles (by ARN) get which OpenSearch role. */
export interface RoleMappingPlan {
  /** The ingest function's role. */
  readonly ingestRoleArns: readonly string[];
  /** Report function roles and the Cognito authenticated role. */
  readonly readerRoleArns: readonly string[];
  /** Roles that open Dashboards: the Cognito authenticated role. */
  readonly dashboardsUserRoleArns: readonly string[];
}

/** What {@link applyRoleMappings} wrote. */
export interface RoleMappingOutcome {
  /** `roles/<name>` and `rolesmapping/<name>`, in the order written. */
  readonly written: readonly string[];
}

/**
 * Writes our roles and maps the IAM roles to them. Idempotent: the roles and
 * their mappings are ours and are replaced whole; the built-in Dashboards user
 * role keeps whatever backend roles, users and hosts it had, plus ours.
 */
export async function applyRoleMappings(transport: HttpTransport, indexPrefix: string, plan: RoleMappingPlan): Promise<RoleMappingOutcome> {
  const written: string[] = [];
  const put = async (path: string, body: unknown): Promise<void> => {
    const answer = await transport.send({ method: 'PUT', path: `${SECURITY_API_PATH}/${path}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (answer.status < 200 || answer.status > 299) {
      throw new DashboardsError(`OpenSearch refused PUT ${SECURITY_API_PATH}/${path}: HTTP ${answer.status}: ${answerMessage(answer.body)}`, answer.status);
    }
    written.push(path);
  };

  for (const [name, role] of Object.entries(securityRoles(indexPrefix))) await put(`roles/${name}`, role);
  await put(`rolesmapping/${INGEST_ROLE}`, { backend_roles: [...plan.ingestRoleArns] });
  await put(`rolesmapping/${READER_ROLE}`, { backend_roles: [...plan.readerRoleArns] });

  if (plan.dashboardsUserRoleArns.length > 0) {
    const path = `rolesmapping/${DASHBOARDS_USER_ROLE}`;
    const current = await transport.send({ method: 'GET', path: `${SECURITY_API_PATH}/${path}` });
    if (current.status !== 200 && current.status !== 404) {
      throw new DashboardsError(`OpenSearch refused GET ${SECURITY_API_PATH}/${path}: HTTP ${current.status}: ${answerMessage(current.body)}`, current.status);
    }
    const existing = current.status === 200 ? mappingOf(current.body, DASHBOARDS_USER_ROLE) : {};
    await put(path, {
      backend_roles: union(existing.backend_roles, plan.dashboardsUserRoleArns),
      users: union(existing.users, []),
      hosts: union(existing.hosts, []),
    });
  }
  return { written };
}

interface Mapping {
  readonly backend_roles?: unknown;
  readonly users?: unknown;
  readonly hosts?: unknown;
}

/** The mapping of `name` in a `GET rolesmapping/<name>` answer (`{ "<name>": { backend_roles, users, hosts, ... } }`). */
function mappingOf(body: unknown, name: string): Mapping {
  const entry = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof entry === 'object' && entry !== null ? (entry as Mapping) : {};
}

function union(current: unknown, added: readonly string[]): string[] {
  const have = Array.isArray(current) ? current.filter((v): v is string => typeof v === 'string') : [];
  return [...new Set([...have, ...added])];
}
