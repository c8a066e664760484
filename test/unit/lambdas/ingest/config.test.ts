import { describe, expect, it } from 'vitest';
import { loadIngestConfig } from '../../../../lambdas/ingest/config.js';
import { ConfigError } from '../../../../src/errors.js';

const base = { OPENSEARCH_ENDPOINT: 'https://search-x.eu-west-1.es.amazonaws.com', DEAD_LETTER_BUCKET: 'dlq', GEOIP_DIR: '/var/task/geo' };

describe('loadIngestConfig', () => {
  it('reads a complete environment with defaults', () => {
    const c = loadIngestConfig({ ...base, AWS_REGION: 'eu-west-1' });
    expect(c).toMatchObject({ indexPrefix: 'vpcflowlogs', indexRetentionDays: 30, deadLetterPrefix: 'dead-letters/', bulkMaxBytes: 5 * 1024 * 1024, geoipEnabled: true });
    expect(c.connection).toEqual({ endpoint: base.OPENSEARCH_ENDPOINT, auth: 'aws-sigv4', region: 'eu-west-1' });
    expect(c.format.fields).toHaveLength(14);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ OPENSEARCH_ENDPOINT: undefined }, /OPENSEARCH_ENDPOINT is required/],
    [{ OPENSEARCH_ENDPOINT: 'search-x.es.amazonaws.com' }, /OPENSEARCH_ENDPOINT must start with https:\/\//],
    [{ OPENSEARCH_AUTH: 'token' }, /OPENSEARCH_AUTH must be aws-sigv4, basic or none, got "token"/],
    [{ INDEX_PREFIX: 'Flow Logs' }, /INDEX_PREFIX must be lower-case/],
    [{ INDEX_RETENTION_DAYS: '0' }, /^INDEX_RETENTION_DAYS must be a whole number of days from 1 to 3650, got "0"$/],
    // The range of the construct and the context key (1 to 3650 days), not any positive number.
    [{ INDEX_RETENTION_DAYS: '3651' }, /^INDEX_RETENTION_DAYS must be a whole number of days from 1 to 3650, got "3651"$/],
    [{ INDEX_RETENTION_DAYS: '7.5' }, /^INDEX_RETENTION_DAYS must be a whole number of days from 1 to 3650, got "7.5"$/],
    [{ FLOW_LOG_FORMAT: '${srcaddr} ${bogus}' }, /FLOW_LOG_FORMAT: unknown flow-log field "bogus"/],
    [{ DEAD_LETTER_BUCKET: undefined }, /DEAD_LETTER_BUCKET \(or DEAD_LETTER_DIR for local runs\) is required/],
    [{ GEOIP_DIR: undefined }, /GEOIP_DIR .* is required unless GEOIP_ENABLED=false/],
  ])('names the variable that is wrong: %o', (over, message) => {
    expect(() => loadIngestConfig({ ...base, ...over })).toThrow(ConfigError);
    expect(() => loadIngestConfig({ ...base, ...over })).toThrow(message);
  });
});

describe('loadIngestConfig options', () => {
  it('turns on gzip bodies and basic auth when asked', () => {
    const c = loadIngestConfig({ ...base, OPENSEARCH_GZIP: 'true', OPENSEARCH_AUTH: 'basic', OPENSEARCH_USERNAME: 'u', OPENSEARCH_PASSWORD: 'p' });
    expect(c.connection).toMatchObject({ compression: true, auth: 'basic', username: 'u', password: 'p' });
  });
});

describe('loadIngestConfig deploy defaults', () => {
  it('signs for the region in an Amazon OpenSearch Service endpoint, not only the function\'s own region', () => {
    const c = loadIngestConfig({ ...base, OPENSEARCH_ENDPOINT: 'https://vpc-logs-abc123.eu-central-1.es.amazonaws.com', AWS_REGION: 'us-east-1' });

    expect(c.connection.region).toBe('eu-central-1');
  });

  it('falls back to AWS_REGION for a custom endpoint', () => {
    expect(loadIngestConfig({ ...base, OPENSEARCH_ENDPOINT: 'https://search.example.com', AWS_REGION: 'eu-west-3' }).connection.region).toBe('eu-west-3');
  });

  it('looks for the bundled ASN data in the bundle\'s geo folder when only GEOIP_DATABASE is set', () => {
    const c = loadIngestConfig({ ...base, GEOIP_DIR: undefined, GEOIP_DATABASE: '/opt/GeoLite2-City.mmdb' });

    expect(c).toMatchObject({ geoipDir: '/var/task/geo', geoipDatabase: '/opt/GeoLite2-City.mmdb' });
  });
});
