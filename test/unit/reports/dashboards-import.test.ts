import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardsError } from '../../../src/errors.js';
import { answerMessage, importSavedObjects, interpretImportAnswer, objectCount } from '../../../src/reports/dashboards-import.js';
import { createHttpTransport } from '../../../lambdas/shared/http-transport.js';
import { recordedAnswer, startFakeDashboards, type FakeDashboards } from '../../helpers/recorded-dashboards.js';

// Two objects of our own, as the catalog's generator writes them: one per line, trailing newline.
const NDJSON =
  '{"type":"index-pattern","id":"flowlogs-test-pattern","attributes":{"title":"vpcflowlogs-*","timeFieldName":"@timestamp"},"references":[]}\n' +
  '{"type":"dashboard","id":"flowlogs-test-dashboard","attributes":{"title":"VPC Flow Logs"},"references":[]}\n';

let fake: FakeDashboards | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function importInto(answers: Parameters<typeof startFakeDashboards>[0], timeoutMs = 5000) {
  fake = await startFakeDashboards(answers);
  const transport = await createHttpTransport({ endpoint: fake.url, auth: 'none', requestTimeoutMs: timeoutMs });
  return importSavedObjects(transport, NDJSON);
}

async function failure(promise: Promise<unknown>): Promise<DashboardsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DashboardsError);
  return error as DashboardsError;
}

describe('importSavedObjects', () => {
  it('posts the NDJSON as the multipart "file" field, with osd-xsrf and overwrite=true, to the AWS Dashboards path', async () => {
    await importInto([recordedAnswer('success')]);

    const req = fake!.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/_dashboards/api/saved_objects/_import?overwrite=true');
    expect(req.headers['osd-xsrf']).toBe('true');
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(String(req.headers['content-type']))?.[1];
    expect(boundary).toBeDefined();
    const text = req.body.toString('utf8');
    // RFC 7578 by hand: one part, named "file", with a .ndjson file name, holding the NDJSON unchanged.
    expect(text.startsWith(`--${boundary}\r\n`)).toBe(true);
    expect(text).toContain('Content-Disposition: form-data; name="file"; filename="vpc-flow-logs.ndjson"\r\n');
    expect(text).toContain(`\r\n\r\n${NDJSON}\r\n--${boundary}--`);
  });

  it('returns the count and the objects of a success', async () => {
    const summary = await importInto([recordedAnswer('success')]);

    expect(summary).toEqual({ successCount: 2, objects: ['index-pattern/flowlogs-test-pattern', 'dashboard/flowlogs-test-dashboard'] });
  });

  it('is the same request every time: stable ids and overwrite=true, so a second run overwrites', async () => {
    fake = await startFakeDashboards([recordedAnswer('success')]);
    const transport = await createHttpTransport({ endpoint: fake.url, auth: 'none', requestTimeoutMs: 5000 });

    await importSavedObjects(transport, NDJSON);
    await importSavedObjects(transport, NDJSON);

    const bodies = fake.requests.map((r) => r.body.toString('utf8').replace(/formdata-undici-\d+/g, 'B'));
    expect(fake.requests.map((r) => r.url)).toEqual(['/_dashboards/api/saved_objects/_import?overwrite=true', '/_dashboards/api/saved_objects/_import?overwrite=true']);
    expect(bodies[0]).toBe(bodies[1]);
  });

  it('fails on a 200 with success:false, carrying each refused object with Dashboards\' own message', async () => {
    const error = await failure(importInto([recordedAnswer('partial-errors')]));

    expect(error.status).toBe(200);
    expect(error.objectErrors).toEqual([
      'dashboard/flowlogs-test-dashboard "VPC Flow Logs": missing references visualization/flowlogs-missing-vis',
      'index-pattern/flowlogs-test-pattern "vpcflowlogs-*": no permissions for [indices:data/write/bulk[s]] and User [name=arn:aws:iam::123456789012:role/Dashboards, backend_roles=[], requestedTenant=null] (403)',
    ]);
    expect(error.message).toMatch(/^Dashboards imported 1 saved object\(s\) and refused 2: dashboard\/flowlogs-test-dashboard/);
  });

  it.each([
    ['bad-request', 400, 'Invalid file extension .json'],
    ['xsrf-missing', 400, 'Request must contain a osd-xsrf header.'],
    ['iam-forbidden', 403, 'User: arn:aws:sts::123456789012:assumed-role/FlowLogs-Dashboards/fn is not authorized to perform: es:ESHttpPost because no identity-based policy allows the es:ESHttpPost action'],
    ['server-error', 500, 'An internal server error occurred.'],
    ['unavailable', 503, 'No Living connections'],
  ])('fails on the recorded %s answer with its status and Dashboards\' message', async (name, status, message) => {
    const error = await failure(importInto([recordedAnswer(name)]));

    expect(error.status).toBe(status);
    expect(error.message).toBe(`Dashboards refused the saved-objects import: HTTP ${status}: ${message}`);
  });

  it('fails clearly when Dashboards never answers', async () => {
    const error = await failure(importInto(['silent'], 300));

    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/_dashboards\/api\/saved_objects\/_import: no answer within 300 ms \(timed out\)$/);
  });

  it('fails clearly when nothing listens', async () => {
    fake = await startFakeDashboards([recordedAnswer('success')]);
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const transport = await createHttpTransport({ endpoint: url, auth: 'none', requestTimeoutMs: 2000 });

    const error = await failure(importSavedObjects(transport, NDJSON));

    expect(error.status).toBeUndefined();
    expect(error.message).toContain(`POST ${url}/_dashboards/api/saved_objects/_import: `);
  });
});

describe('interpretImportAnswer', () => {
  it('fails when Dashboards says success but counts fewer objects than were sent', () => {
    expect(() => interpretImportAnswer({ status: 200, body: { success: true, successCount: 1 } }, 2)).toThrow('Dashboards reported success but imported 1 of 2 saved objects');
  });

  it('fails on a redirect, saying the request was not taken as authenticated', () => {
    expect(() => interpretImportAnswer({ status: 302, body: '' })).toThrow('Dashboards redirected the saved-objects import (HTTP 302), probably to a sign-in page: the request was not accepted as authenticated');
  });

  it('fails on a 2xx without an import result (e.g. a login page)', () => {
    expect(() => interpretImportAnswer({ status: 200, body: '<html>sign in</html>' })).toThrow(/HTTP 200 but no import result: <html>sign in<\/html>/);
  });

  it('never throws anything but DashboardsError, whatever the body', () => {
    for (const body of [null, undefined, 42, [], { success: false, errors: [null, 1, { error: null }] }, { success: false, errors: 'x' }]) {
      for (const status of [200, 404, 502]) {
        expect(() => interpretImportAnswer({ status, body })).toThrow(DashboardsError);
      }
    }
  });
});

describe('answerMessage', () => {
  it('reads OpenSearch\'s { error: { type, reason } } and plain text', () => {
    expect(answerMessage({ error: { type: 'security_exception', reason: 'no permissions for [cluster:admin/opendistro/security]' }, status: 403 })).toBe(
      'security_exception: no permissions for [cluster:admin/opendistro/security]',
    );
    expect(answerMessage('Bad Gateway')).toBe('Bad Gateway');
  });
});

describe('objectCount', () => {
  it('counts non-blank lines', () => {
    expect(objectCount(NDJSON)).toBe(2);
    expect(objectCount('\n\n{"a":1}\n  \n')).toBe(1);
  });
});

describe('importSavedObjects on AWS', () => {
  it('signs the request with SigV4 for service es, over the exact bytes sent', async () => {
    fake = await startFakeDashboards([recordedAnswer('success')]);
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN, profile: process.env.AWS_PROFILE };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    try {
      const transport = await createHttpTransport({ endpoint: fake.url, auth: 'aws-sigv4', region: 'eu-west-1', requestTimeoutMs: 5000 });
      await importSavedObjects(transport, NDJSON);
    } finally {
      for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret], ['AWS_SESSION_TOKEN', saved.token], ['AWS_PROFILE', saved.profile]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }

    const req = fake.requests[0]!;
    expect(String(req.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=[^,]*\bosd-xsrf\b[^,]*, Signature=[0-9a-f]{64}$/);
    expect(req.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(req.body).digest('hex'));
  });
});
