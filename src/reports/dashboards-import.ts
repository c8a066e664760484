/**
 * Importing the saved objects into OpenSearch Dashboards, and reading its
 * answer. Pure core: the HTTP exchange sits behind {@link HttpTransport}, so
 * the custom resource, the CLI and the tests share one interpretation.
 *
 * The request and the answer are Dashboards' own, as its source defines them
 * (opensearch-project/OpenSearch-Dashboards):
 * - src/core/server/saved_objects/routes/import.ts: `POST /api/saved_objects/_import`,
 *   multipart/form-data with a `file` field whose name must end in `.ndjson`,
 *   query `overwrite`; the answer is the import result with status 200, even
 *   when some objects failed.
 * - src/core/server/saved_objects/import/types.ts: `SavedObjectsImportResponse`
 *   `{ success, successCount, successResults?, errors? }`, and the error kinds
 *   (`conflict`, `ambiguous_conflict`, `unsupported_type`, `missing_references`,
 *   `unknown` with `message` and `statusCode`, `missing_data_source`).
 * - src/core/server/saved_objects/import/extract_errors.ts: a failed write becomes
 *   `{ type: 'unknown', message, statusCode }`.
 * - src/core/server/http/lifecycle_handlers.ts: without the `osd-xsrf` header a
 *   POST gets 400 "Request must contain a osd-xsrf header.".
 * - src/core/server/http/router/response_adapter.ts: every 4xx/5xx body is Boom's
 *   `{ statusCode, error, message }`.
 */
import { DashboardsError } from '../errors.js';

/** Where Amazon OpenSearch Service serves Dashboards on the domain endpoint. */
export const AWS_DASHBOARDS_PATH = '/_dashboards';
/** The saved-objects import route, under the Dashboards base path. */
export const SAVED_OBJECTS_IMPORT_PATH = '/api/saved_objects/_import';
/** Dashboards refuses any other extension (routes/import.ts). */
export const IMPORT_FILE_NAME = 'vpc-flow-logs.ndjson';
/**
 * Headers every import carries: `osd-xsrf` (Dashboards' XSRF check refuses a
 * POST without it) and `securitytenant: global`, so that with fine-grained
 * access control the objects land in the tenant every user shares (a
 * Dashboards without the security plugin ignores the header).
 */
export const IMPORT_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'osd-xsrf': 'true', securitytenant: 'global' });

/** One HTTP request to Dashboards or OpenSearch. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path from the endpoint's root, e.g. `/_dashboards/api/saved_objects/_import`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

/** What came back: any status, the body parsed as JSON when it was JSON. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Sends requests. Resolves with every answer that has a status (2xx to 5xx);
 * rejects with a {@link DashboardsError} when there is none (timeout,
 * connection refused, DNS).
 */
export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpAnswer>;
}

/** A successful import. */
export interface ImportSummary {
  /** Objects Dashboards created or overwrote. */
  readonly successCount: number;
  /** `type/id` of each, in Dashboards' order. */
  readonly objects: readonly string[];
}

/**
 * The multipart/form-data body Dashboards expects: one `file` field named
 * {@link IMPORT_FILE_NAME}. Encoded by the platform's own FormData encoder
 * (undici), so the body and its boundary are exactly what `fetch` would send,
 * and the bytes exist up front for a SigV4 signature over them.
 */
export async function multipartImportBody(ndjson: string): Promise<{ readonly contentType: string; readonly body: Uint8Array }> {
  const form = new FormData();
  form.append('file', new Blob([ndjson], { type: 'application/ndjson' }), IMPORT_FILE_NAME);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  const contentType = request.headers.get('content-type') ?? 'multipart/form-data';
  return { contentType, body: new Uint8Array(await request.arrayBuffer()) };
}

/** The import request for `ndjson` under Dashboards' base path (`/_dashboards` on AWS, `''` for a self-managed Dashboards on its own port). */
export async function importRequest(ndjson: string, basePath: string = AWS_DASHBOARDS_PATH): Promise<HttpRequest> {
  const { contentType, body } = await multipartImportBody(ndjson);
  return {
    method: 'POST',
    path: `${basePath.replace(/\/+$/, '')}${SAVED_OBJECTS_IMPORT_PATH}`,
    // Stable ids plus overwrite: a second import replaces, never duplicates.
    query: { overwrite: 'true' },
    headers: { ...IMPORT_HEADERS, 'content-type': contentType },
    body,
  };
}

/** Number of saved objects in an NDJSON text: its non-blank lines. */
export function objectCount(ndjson: string): number {
  return ndjson.split('\n').filter((line) => line.trim() !== '').length;
}

/**
 * Reads Dashboards' answer to an import. Success only for a 2xx whose body says
 * `success: true` and counts every object sent; anything else throws a
 * {@link DashboardsError} carrying Dashboards' own messages: a 200 with
 * `success: false` lists each refused object; a 4xx/5xx gives its `message`.
 */
export function interpretImportAnswer(answer: HttpAnswer, expectedCount?: number): ImportSummary {
  const { status, body } = answer;
  if (status >= 300 && status <= 399) {
    // Dashboards behind a sign-in page sends unauthenticated API calls there.
    throw new DashboardsError(`Dashboards redirected the saved-objects import (HTTP ${status}), probably to a sign-in page: the request was not accepted as authenticated`, status);
  }
  if (status < 200 || status > 299) {
    throw new DashboardsError(`Dashboards refused the saved-objects import: HTTP ${status}: ${answerMessage(body)}`, status);
  }
  const result = asRecord(body);
  if (result === undefined || typeof result.success !== 'boolean') {
    throw new DashboardsError(`Dashboards answered the saved-objects import with HTTP ${status} but no import result: ${preview(body)}`, status);
  }
  const successCount = typeof result.successCount === 'number' ? result.successCount : 0;
  if (!result.success) {
    const errors = Array.isArray(result.errors) ? result.errors.map(objectError) : [];
    const shown = errors.length > 0 ? errors.join('; ') : 'no errors listed';
    throw new DashboardsError(`Dashboards imported ${successCount} saved object(s) and refused ${errors.length}: ${shown}`, status, errors);
  }
  if (expectedCount !== undefined && successCount !== expectedCount) {
    throw new DashboardsError(`Dashboards reported success but imported ${successCount} of ${expectedCount} saved objects`, status);
  }
  const objects = Array.isArray(result.successResults)
    ? result.successResults.map((r) => {
        const o = asRecord(r) ?? {};
        return `${String(o.type)}/${String(o.id)}`;
      })
    : [];
  return { successCount, objects };
}

/** Imports `ndjson` (overwriting objects with the same ids) and checks the answer. */
export async function importSavedObjects(transport: HttpTransport, ndjson: string, basePath: string = AWS_DASHBOARDS_PATH): Promise<ImportSummary> {
  const answer = await transport.send(await importRequest(ndjson, basePath));
  return interpretImportAnswer(answer, objectCount(ndjson));
}

/**
 * The message of an error answer, whoever wrote it: Dashboards and OpenSearch
 * Dashboards' Boom body `{ message }`, Amazon OpenSearch Service's own
 * `{ Message }` (IAM refusals), OpenSearch's `{ error: { reason } }` or
 * `{ error: "..." }`, or plain text.
 */
export function answerMessage(body: unknown): string {
  if (typeof body === 'string') return body.trim() === '' ? '(empty body)' : preview(body);
  const o = asRecord(body);
  if (o === undefined) return preview(body);
  if (typeof o.message === 'string') return o.message;
  if (typeof o.Message === 'string') return o.Message;
  const error = asRecord(o.error);
  if (error && typeof error.reason === 'string') return `${typeof error.type === 'string' ? `${error.type}: ` : ''}${error.reason}`;
  if (typeof o.error === 'string') return o.error;
  return preview(body);
}

/** One refused object as `type/id "title": what went wrong`. */
function objectError(entry: unknown): string {
  const e = asRecord(entry) ?? {};
  const meta = asRecord(e.meta);
  const title = typeof meta?.title === 'string' ? meta.title : typeof e.title === 'string' ? e.title : undefined;
  const name = `${String(e.type)}/${String(e.id)}${title ? ` "${title}"` : ''}`;
  const error = asRecord(e.error) ?? {};
  switch (error.type) {
    case 'unknown':
      return `${name}: ${typeof error.message === 'string' ? error.message : 'unknown error'}${typeof error.statusCode === 'number' ? ` (${error.statusCode})` : ''}`;
    case 'missing_references': {
      const refs = Array.isArray(error.references) ? error.references.map((r) => `${String(asRecord(r)?.type)}/${String(asRecord(r)?.id)}`) : [];
      return `${name}: missing references ${refs.join(', ')}`;
    }
    case 'unsupported_type':
      return `${name}: unsupported type`;
    case 'conflict':
      return `${name}: conflict${typeof error.destinationId === 'string' ? ` with ${error.destinationId}` : ''}`;
    case 'ambiguous_conflict':
      return `${name}: ambiguous conflict`;
    case 'missing_data_source':
      return `${name}: missing data source ${String(error.dataSourceName)}`;
    default:
      return `${name}: ${preview(e.error)}`;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** At most 500 characters of a body, for messages. */
function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
