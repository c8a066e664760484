/**
 * The retry settings of the partition function's AWS clients: the SDK's own
 * adaptive strategy (exponential backoff with jitter, plus client-side rate
 * limiting once throttling errors come back) rather than retry loops of ours.
 * Throttling (ThrottlingException, TooManyRequestsException, S3's 503
 * SlowDown) and transient network and 5xx errors are retried.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */

/** Attempts per AWS call, the first included, before its error reaches our code. */
export const SDK_MAX_ATTEMPTS = 8;

/** Spread into a client's configuration. */
export const SDK_RETRY = { maxAttempts: SDK_MAX_ATTEMPTS, retryMode: 'adaptive' } as const;
