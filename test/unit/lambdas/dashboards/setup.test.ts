import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../../../lambdas/shared/http-transport.js';
import { createSetupHandler, putResponse, type CfnResponse } from '../../../../lambdas/dashboards/setup.js';
import { recordedAnswer, startFakeDashboards, type FakeDashboards, type RecordedAnswer } from '../../../helpers/recorded-dashboards.js';

const NDJSON =
  '{"type":"index-pattern","id":"flowlogs-test-pattern","attributes":{"title":"vpcflowlogs-*"},"references":[]}\n' +
  '{"type":"dashboard","id":"flowlogs-test-dashboard","attributes":{"title":"VPC Flow Logs"},"references":[]}\n';
const CFN_OK: RecordedAnswer = { status: 200, headers: {}, body: '' };

let fake: FakeDashboards | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function event(requestType: 'Create' | 'Update' | 'Delete', resourceType: string, props: Record<string, unknown>): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:setup',
    ResponseURL: `${fake!.url}/cfn-response?X-Amz-Signature=abc`,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/FlowLogs/1',
    RequestId: 'req-1',
    LogicalResourceId: 'DashboardsSavedObjects',
    ResourceType: resourceType,
    ResourceProperties: { ServiceToken: 'x', ...props },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') return { ...common, RequestType: 'Update', PhysicalResourceId: 'pid-1', OldResourceProperties: { ServiceToken: 'x' } };
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'pid-1' };
}

async function run(answers: Parameters<typeof startFakeDashboards>[0], e: (url: string) => CloudFormationCustomResourceEvent, options: { timeoutMs?: number; retries?: number } = {}) {
  fake = await startFakeDashboards(answers);
  const prefixes: string[] = [];
  const handler = createSetupHandler({
    transport: (endpoint) => createHttpTransport({ endpoint, auth: 'none', requestTimeoutMs: options.timeoutMs ?? 5000 }),
    respond: putResponse,
    ndjson: (prefix) => {
      prefixes.push(prefix);
      return NDJSON;
    },
    retries: options.retries ?? 0,
    minTimeoutMs: 10,
  });
  const returned = await handler(e(fake.url), { logStreamName: '2026/12/02/[$LATEST]abc' });
  const put = fake.requests.at(-1)!;
  expect(put.method).toBe('PUT');
  expect(put.url).toBe('/cfn-response?X-Amz-Signature=abc');
  // The pre-signed URL was signed without a content type.
  expect(put.headers['content-type'] ?? '').toBe('');
  const sent = JSON.parse(put.body.toString('utf8')) as CfnResponse;
  expect(sent).toEqual(returned);
  return { sent, prefixes, calls: fake.requests.slice(0, -1) };
}

const savedObjects = (props: Record<string, unknown> = {}) => (url: string) =>
  event('Create', 'Custom::DashboardsSavedObjects', { Endpoint: url, IndexPrefix: 'vpcflowlogs', ContentHash: 'h1', ...props });

describe('Dashboards setup function', () => {
  it('imports the saved objects of the stack\'s index prefix on Create and answers SUCCESS with a stable physical id', async () => {
    const { sent, prefixes, calls } = await run([recordedAnswer('success'), CFN_OK], savedObjects());

    expect(prefixes).toEqual(['vpcflowlogs']);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /_dashboards/api/saved_objects/_import?overwrite=true']);
    expect(sent).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'Custom::DashboardsSavedObjects:vpcflowlogs',
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/FlowLogs/1',
      RequestId: 'req-1',
      LogicalResourceId: 'DashboardsSavedObjects',
      Data: { SuccessCount: 2 },
    });
  });

  it('imports again on Update, keeping the physical id', async () => {
    const { sent, calls } = await run([recordedAnswer('success'), CFN_OK], (url) => event('Update', 'Custom::DashboardsSavedObjects', { Endpoint: url, IndexPrefix: 'vpcflowlogs' }));

    expect(calls).toHaveLength(1);
    expect(sent.Status).toBe('SUCCESS');
    expect(sent.PhysicalResourceId).toBe('pid-1');
  });

  it('leaves Dashboards alone on Delete', async () => {
    const { sent, calls } = await run([CFN_OK], (url) => event('Delete', 'Custom::DashboardsSavedObjects', { Endpoint: url, IndexPrefix: 'vpcflowlogs' }));

    expect(calls).toEqual([]);
    expect(sent).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'pid-1' });
  });

  it('fails the deployment with Dashboards\' own messages for a 200 with partial errors', async () => {
    const { sent } = await run([recordedAnswer('partial-errors'), CFN_OK], savedObjects(), { retries: 3 });

    expect(sent.Status).toBe('FAILED');
    expect(sent.Reason).toBe(
      'Dashboards imported 1 saved object(s) and refused 2: dashboard/flowlogs-test-dashboard "VPC Flow Logs": missing references visualization/flowlogs-missing-vis; ' +
        'index-pattern/flowlogs-test-pattern "vpcflowlogs-*": no permissions for [indices:data/write/bulk[s]] and User [name=arn:aws:iam::123456789012:role/Dashboards, backend_roles=[], requestedTenant=null] (403) ' +
        '(log stream 2026/12/02/[$LATEST]abc)',
    );
  });

  it('fails at once on a 4xx (no retry), with the message of the answer', async () => {
    const { sent, calls } = await run([recordedAnswer('iam-forbidden'), CFN_OK], savedObjects(), { retries: 3 });

    expect(calls).toHaveLength(1);
    expect(sent.Status).toBe('FAILED');
    expect(sent.Reason).toMatch(/^Dashboards refused the saved-objects import: HTTP 403: User: arn:aws:sts::123456789012:assumed-role\/FlowLogs-Dashboards\/fn is not authorized to perform: es:ESHttpPost/);
  });

  it('retries a 5xx (Dashboards starting) and succeeds once Dashboards answers', async () => {
    const { sent, calls } = await run([recordedAnswer('unavailable'), recordedAnswer('unavailable'), recordedAnswer('success'), CFN_OK], savedObjects(), { retries: 3 });

    expect(calls).toHaveLength(3);
    expect(sent.Status).toBe('SUCCESS');
  });

  it('fails clearly when Dashboards never answers, after its retries', async () => {
    const { sent, calls } = await run(['silent', 'silent', CFN_OK], savedObjects(), { retries: 1, timeoutMs: 200 });

    expect(calls).toHaveLength(2);
    expect(sent.Status).toBe('FAILED');
    expect(sent.Reason).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/_dashboards\/api\/saved_objects\/_import: no answer within 200 ms \(timed out\)/);
  });

  it('answers FAILED, naming the property, for an event without an endpoint', async () => {
    const { sent, calls } = await run([CFN_OK], () => event('Create', 'Custom::DashboardsSavedObjects', { IndexPrefix: 'vpcflowlogs' }));

    expect(calls).toEqual([]);
    expect(sent.Status).toBe('FAILED');
    expect(sent.Reason).toMatch(/^resource property Endpoint is required/);
  });

  it('writes the security roles and mappings for Custom::OpenSearchRoleMappings', async () => {
    const ok: RecordedAnswer = { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'OK', message: "'flowlogs_ingest' updated." } };
    const existing: RecordedAnswer = { status: 200, headers: { 'content-type': 'application/json' }, body: { opensearch_dashboards_user: { hosts: [], users: [], reserved: false, hidden: false, backend_roles: ['arn:aws:iam::123456789012:role/Other'], and_backend_roles: [] } } };
    const { sent, calls } = await run([ok, ok, ok, ok, existing, ok, CFN_OK], (url) =>
      event('Create', 'Custom::OpenSearchRoleMappings', {
        Endpoint: url,
        IndexPrefix: 'vpcflowlogs',
        IngestRoleArns: ['arn:aws:iam::123456789012:role/Ingest'],
        ReaderRoleArns: ['arn:aws:iam::123456789012:role/Report', 'arn:aws:iam::123456789012:role/CognitoUsers'],
        DashboardsUserRoleArns: ['arn:aws:iam::123456789012:role/CognitoUsers'],
      }),
    );

    expect(sent).toMatchObject({ Status: 'SUCCESS', Data: { Written: 5 } });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'PUT /_plugins/_security/api/roles/flowlogs_ingest',
      'PUT /_plugins/_security/api/roles/flowlogs_reader',
      'PUT /_plugins/_security/api/rolesmapping/flowlogs_ingest',
      'PUT /_plugins/_security/api/rolesmapping/flowlogs_reader',
      'GET /_plugins/_security/api/rolesmapping/opensearch_dashboards_user',
      'PUT /_plugins/_security/api/rolesmapping/opensearch_dashboards_user',
    ]);
    expect(JSON.parse(calls[3]!.body.toString())).toEqual({ backend_roles: ['arn:aws:iam::123456789012:role/Report', 'arn:aws:iam::123456789012:role/CognitoUsers'] });
    expect(JSON.parse(calls[5]!.body.toString())).toEqual({ backend_roles: ['arn:aws:iam::123456789012:role/Other', 'arn:aws:iam::123456789012:role/CognitoUsers'], users: [], hosts: [] });
  });
});
