/**
 * Test doubles for the partition function: a deadline clock that advances as
 * the code sleeps, and an in-process HTTP handler so that the real SDK
 * clients (their retry strategy included) can be driven without a network.
 */
import type { FlowLogLocation } from '../../../../src/athena/partitions.js';
import type { PartitionConfig } from '../../../../lambdas/partitions/config.js';

export const LOCATION: FlowLogLocation = { bucket: 'flow-log-bucket', prefix: 'vpc-flow-logs/', accountId: '123456789012', region: 'eu-west-1' };

export const CONFIG: PartitionConfig = {
  table: { database: 'vpcflowlogs', table: 'vpc_flow_logs' },
  location: LOCATION,
  workgroup: 'VpcFlowLogs-flow-logs',
  lookbackDays: 3,
};

/** `.../eu-west-1/YYYY/MM/DD/` for a day. */
export const dayFolder = (day: string) => `vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/${day.replaceAll('-', '/')}/`;

/** A deadline `budgetMs` away whose clock moves only when `sleep` is awaited: no real waiting, no timing asserts. */
export function fakeClock(budgetMs: number) {
  let elapsed = 0;
  const sleeps: number[] = [];
  return {
    remainingMs: () => budgetMs - elapsed,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      elapsed += ms;
    },
    sleeps,
  };
}

/** A request as the fake HTTP handler saw it. */
export interface SeenRequest {
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly path: string;
  readonly query: Record<string, unknown>;
}

/** An HTTP answer: status, headers, body. */
export interface FakeResponse {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

// A TextDecoder reads the SDK's JSON body as bytes: Buffer.from() would call the body's valueOf,
// which the SDK answers as a string with a warning that a future version will throw.
const UTF8 = new TextDecoder();

/**
 * A request handler for SDK clients (`requestHandler` in their config) that
 * answers from `respond`, so tests go through the clients' real middleware:
 * serialization, signing, the retry strategy, deserialization.
 */
export function fakeHttp(respond: (request: SeenRequest, seen: readonly SeenRequest[]) => FakeResponse) {
  const seen: SeenRequest[] = [];
  return {
    seen,
    handler: {
      handle: async (request: { headers: Record<string, string>; body?: unknown; path: string; query?: Record<string, unknown> }) => {
        const text = typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? UTF8.decode(request.body) : '';
        const r: SeenRequest = { target: request.headers['x-amz-target'] ?? '', body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {}, path: request.path, query: request.query ?? {} };
        seen.push(r);
        const answer = respond(r, seen);
        return { response: { statusCode: answer.statusCode, headers: { 'content-type': 'application/x-amz-json-1.1', ...answer.headers }, body: Buffer.from(answer.body, 'utf8') } };
      },
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
    },
  };
}

/** Fixed credentials, so the clients sign without looking for real ones. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
