/**
 * Typed errors of the flow-log core. One base class, so callers can tell our
 * errors from everything else with one `instanceof`.
 */

/** Base of every error this project throws on purpose. */
export class FlowLogError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A field name that no flow-log version documents. */
export class UnknownFieldError extends FlowLogError {
  constructor(
    readonly field: string,
    known: readonly string[],
  ) {
    super(`unknown flow-log field "${field}" (known fields: ${known.join(', ')})`);
  }
}

/** A flow-log format (string or list) that cannot be used. */
export class FormatError extends FlowLogError {}

/** A subscription payload that cannot be decoded: which stage failed and why. */
export class DecodeError extends FlowLogError {
  /** The payload's own time (its first event's, in ms), when it could be read: its dead letter is filed under that day. */
  readonly timeMs: number | undefined;
  constructor(
    readonly stage: 'event' | 'base64' | 'gzip' | 'json' | 'payload' | 'size',
    message: string,
    options?: ErrorOptions & { readonly timeMs?: number | undefined },
  ) {
    super(`${stage}: ${message}`, options);
    this.timeMs = options?.timeMs;
  }
}

/** Configuration (environment, CLI options, CDK context) that is missing or invalid. */
export class ConfigError extends FlowLogError {}

/** A dead-letter file that is not NDJSON dead letters: the message names the file and line. */
export class DeadLetterFormatError extends FlowLogError {}

/**
 * OpenSearch could not take the batch in time: unreachable, or still
 * throttling at the deadline. Thrown so that Lambda's own retry and on-failure
 * destination keep the event.
 */
export class DeliveryError extends FlowLogError {
  constructor(
    message: string,
    readonly pending: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * OpenSearch's answer to a `_bulk` request is not one: not JSON, or `items`
 * that is not a list. Nothing says which items were written, so the request
 * is sent again (its ids make that safe), as after a failed request.
 */
export class BulkAnswerError extends FlowLogError {}

/** Geo data that is missing, from another build, or not a database. */
export class GeoDataError extends FlowLogError {
  constructor(
    message: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * OpenSearch Dashboards (or the OpenSearch security API) did not take what we
 * sent: carries the HTTP status when there was one and Dashboards' own
 * messages, so a failed deployment or CLI run says what Dashboards said.
 */
export class DashboardsError extends FlowLogError {
  constructor(
    message: string,
    /** HTTP status of the answer; undefined when there was none (timeout, unreachable). */
    readonly status: number | undefined,
    /** One line per object Dashboards refused (`type/id: message`), for a 200 with `success: false`. */
    readonly objectErrors: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
