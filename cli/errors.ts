/**
 * How the `flowlogs` command tells a failure the user can act on (bad usage,
 * no credentials, an endpoint it cannot reach, an answer refusing the request)
 * from a bug: the first is one line naming what to do, the second keeps its
 * stack for the bug report.
 */
import { FlowLogError } from '../src/errors.js';

/** Network error codes of Node and undici that mean "the endpoint cannot be reached". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** Error codes of a file that cannot be opened. */
const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EPERM']);

interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
  readonly statusCode?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/** The error and its causes, five deep at most. */
function causes(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  for (let e = err as ErrorLike | undefined, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause as ErrorLike | undefined, depth++) out.push(e);
  return out;
}

function codes(err: unknown): string[] {
  const out: string[] = [];
  for (const e of causes(err)) {
    if (typeof e.code === 'string') out.push(e.code);
    // AggregateError (several addresses tried) carries the codes in its errors.
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const x of errors) if (typeof (x as ErrorLike)?.code === 'string') out.push((x as ErrorLike).code as string);
  }
  return out;
}

/**
 * One line for a failure the user can act on; undefined for anything else (a bug), whose stack
 * should be printed.
 */
export function describeFailure(err: unknown): string | undefined {
  const e = (err ?? {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(err);
  // Checked before our own errors: a DeliveryError whose cause is missing credentials gets the same advice.
  if (causes(err).some((c) => c.name === 'CredentialsProviderError') || /Could not load credentials/i.test(message)) {
    return `no AWS credentials: ${message} (configure them, e.g. AWS_PROFILE or aws sso login, or use --auth none|basic for a local cluster)`;
  }
  if (err instanceof FlowLogError) return message;
  if (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS_')) return message;
  // A file named on the command line that cannot be read: Node's message names it ("ENOENT: no such file or directory, open 'x'").
  if (typeof e.code === 'string' && FILE_ERRORS.has(e.code) && typeof (e as { path?: unknown }).path === 'string') return `cannot read ${String((e as { path?: unknown }).path)}: ${message}`;
  const unreachable = codes(err).find((c) => UNREACHABLE.has(c));
  if (unreachable !== undefined || e.name === 'ConnectionError' || e.name === 'TimeoutError') {
    return `cannot reach the endpoint (${unreachable ?? e.name}): ${message}`;
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : e.$metadata?.httpStatusCode;
  if (e.name === 'ResponseError' || (typeof status === 'number' && status >= 400)) {
    return `the service refused the request${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${typeof e.name === 'string' && e.name !== 'Error' ? `${e.name}: ` : ''}${message}`;
  }
  return undefined;
}

/** The command line is incomplete or wrong: the message says what to pass. */
export class UsageError extends FlowLogError {}
