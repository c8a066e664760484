import { describe, expect, it } from 'vitest';
import { DashboardsError } from '../../../src/errors.js';
import type { HttpAnswer, HttpRequest, HttpTransport } from '../../../src/reports/dashboards-import.js';
import { applyRoleMappings, securityRoles } from '../../../src/reports/opensearch-roles.js';

/** A transport that answers from a list and keeps the requests. */
function scripted(answers: HttpAnswer[]): HttpTransport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    send(request) {
      requests.push(request);
      return Promise.resolve(answers[Math.min(requests.length - 1, answers.length - 1)]!);
    },
  };
}

const OK: HttpAnswer = { status: 200, body: { status: 'OK' } };
const PLAN = { ingestRoleArns: ['arn:aws:iam::123456789012:role/Ingest'], readerRoleArns: ['arn:aws:iam::123456789012:role/Report'], dashboardsUserRoleArns: [] };

describe('securityRoles', () => {
  it('lets the ingest role bulk-write and create the prefix\'s indices, read their mappings (the id scheme), install its templates and ISM policy, and nothing else', () => {
    expect(securityRoles('flows').flowlogs_ingest).toEqual({
      description: expect.any(String),
      cluster_permissions: ['indices:data/write/bulk', 'cluster:admin/component_template/*', 'indices:admin/index_template/*', 'cluster:admin/opendistro/ism/policy/*'],
      index_permissions: [{ index_patterns: ['flows-*'], allowed_actions: ['create_index', 'write', 'indices:admin/mappings/get'] }],
    });
  });

  it('lets readers only read the prefix\'s indices', () => {
    expect(securityRoles('flows').flowlogs_reader).toEqual({
      description: expect.any(String),
      cluster_permissions: ['cluster_composite_ops_ro'],
      index_permissions: [{ index_patterns: ['flows-*'], allowed_actions: ['read'] }],
    });
  });
});

describe('applyRoleMappings', () => {
  it('maps only the given roles, and leaves the Dashboards user mapping alone when there are no Dashboards users', async () => {
    const transport = scripted([OK]);

    const outcome = await applyRoleMappings(transport, 'flows', PLAN);

    expect(outcome.written).toEqual(['roles/flowlogs_ingest', 'roles/flowlogs_reader', 'rolesmapping/flowlogs_ingest', 'rolesmapping/flowlogs_reader']);
    expect(transport.requests.map((r) => JSON.parse(String(r.body)) as unknown).slice(2)).toEqual([
      { backend_roles: ['arn:aws:iam::123456789012:role/Ingest'] },
      { backend_roles: ['arn:aws:iam::123456789012:role/Report'] },
    ]);
  });

  it('creates the Dashboards user mapping when it does not exist yet', async () => {
    const transport = scripted([OK, OK, OK, OK, { status: 404, body: { status: 'NOT_FOUND', message: "Resource 'opensearch_dashboards_user' not found." } }, OK]);

    await applyRoleMappings(transport, 'flows', { ...PLAN, dashboardsUserRoleArns: ['arn:aws:iam::123456789012:role/Users'] });

    expect(JSON.parse(String(transport.requests[5]?.body))).toEqual({ backend_roles: ['arn:aws:iam::123456789012:role/Users'], users: [], hosts: [] });
  });

  it('fails with OpenSearch\'s message when the security API refuses', async () => {
    const transport = scripted([{ status: 403, body: { status: 'FORBIDDEN', message: 'No permission to access REST API: User arn:aws:iam::123456789012:role/Setup with Security roles [] does not have any role privileged for admin access' } }]);

    const error = await applyRoleMappings(transport, 'flows', PLAN).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DashboardsError);
    expect((error as Error).message).toBe(
      'OpenSearch refused PUT /_plugins/_security/api/roles/flowlogs_ingest: HTTP 403: No permission to access REST API: User arn:aws:iam::123456789012:role/Setup with Security roles [] does not have any role privileged for admin access',
    );
  });
});
