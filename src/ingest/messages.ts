/**
 * The shapes of a CloudWatch Logs subscription payload, once decoded: what the
 * decoder (decode.ts) and the payload scanner (payload-scan.ts) both produce,
 * in a module of their own so neither imports the other for them.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */

/** One log event of a subscription payload. */
export interface LogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** The decoded `awslogs.data` of a DATA_MESSAGE. */
export interface DataMessage {
  readonly messageType: 'DATA_MESSAGE';
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  readonly logEvents: readonly LogEvent[];
  /** Set when the payload held bytes that are not UTF-8 (decoded as U+FFFD). */
  readonly invalidUtf8?: boolean;
}

/** CloudWatch's check that the destination is reachable; nothing to index. */
export interface ControlMessage {
  readonly messageType: 'CONTROL_MESSAGE';
}

export type SubscriptionMessage = DataMessage | ControlMessage;
