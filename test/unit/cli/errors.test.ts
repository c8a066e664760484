import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../cli/errors.js';
import { ConfigError, DeadLetterFormatError, DeliveryError } from '../../../src/errors.js';

/** An error shaped as a library throws it: a name, a message, and fields. */
function libraryError(name: string, message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...fields });
}

describe('describeFailure', () => {
  it('gives our own errors their message', () => {
    expect(describeFailure(new ConfigError('--from is required'))).toBe('--from is required');
    expect(describeFailure(new DeadLetterFormatError('x.ndjson:3: not a dead letter (no stage)'))).toBe('x.ndjson:3: not a dead letter (no stage)');
  });

  it('names missing AWS credentials and what to do', () => {
    const line = describeFailure(libraryError('CredentialsProviderError', 'Could not load credentials from any providers'));

    expect(line).toMatch(/^no AWS credentials: Could not load credentials from any providers \(.*AWS_PROFILE/);
  });

  it('gives the same advice for our own error whose cause is missing credentials', () => {
    const noCredentials = libraryError('CredentialsProviderError', 'Could not load credentials from any providers');
    const line = describeFailure(new DeliveryError('could not install the index template: CredentialsProviderError: Could not load credentials from any providers', 0, { cause: noCredentials }));

    expect(line).toMatch(/^no AWS credentials: could not install the index template: CredentialsProviderError: .* \(configure them, .*AWS_PROFILE/);
  });

  it('names an endpoint that cannot be reached, also when the code is on the cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9200'), { code: 'ECONNREFUSED' });

    expect(describeFailure(refused)).toBe('cannot reach the endpoint (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:9200');
    expect(describeFailure(new Error('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' }) }))).toBe(
      'cannot reach the endpoint (ENOTFOUND): fetch failed',
    );
    expect(describeFailure(libraryError('ConnectionError', 'connect ETIMEDOUT'))).toMatch(/^cannot reach the endpoint/);
  });

  it('gives a refusal by the service with its status', () => {
    const denied = libraryError('AccessDeniedException', 'User is not authorized to perform athena:StartQueryExecution', { $metadata: { httpStatusCode: 400 } });

    expect(describeFailure(denied)).toBe('the service refused the request (HTTP 400): AccessDeniedException: User is not authorized to perform athena:StartQueryExecution');
    expect(describeFailure(libraryError('ResponseError', 'security_exception', { statusCode: 403 }))).toBe('the service refused the request (HTTP 403): ResponseError: security_exception');
  });

  it('names a file that cannot be read', () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open 'dl.ndjson'"), { code: 'ENOENT', path: 'dl.ndjson' });

    expect(describeFailure(missing)).toBe("cannot read dl.ndjson: ENOENT: no such file or directory, open 'dl.ndjson'");
  });

  it('leaves anything else to be printed with its stack, as a bug', () => {
    expect(describeFailure(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
    expect(describeFailure('a string')).toBeUndefined();
  });
});
