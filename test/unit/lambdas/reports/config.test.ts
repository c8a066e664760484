import { describe, expect, it } from 'vitest';
import { loadReportConfig, senderFor } from '../../../../lambdas/reports/config.js';
import { ConfigError } from '../../../../src/errors.js';

const BASE = { REPORT_BUCKET: 'reports', REPORT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:reports' };

describe('loadReportConfig', () => {
  it('reads an OpenSearch source, SigV4 for an https endpoint, the default prefix and look-back', () => {
    const config = loadReportConfig({ ...BASE, OPENSEARCH_ENDPOINT: 'https://search-x-abc.eu-west-1.es.amazonaws.com', AWS_REGION: 'eu-west-1' });

    expect(config).toEqual({
      source: { kind: 'opensearch', indexPrefix: 'vpcflowlogs', connection: { endpoint: 'https://search-x-abc.eu-west-1.es.amazonaws.com', auth: 'aws-sigv4', region: 'eu-west-1' } },
      bucket: 'reports',
      keyPrefix: 'weekly/',
      topicArn: BASE.REPORT_TOPIC_ARN,
      lookbackDays: 28,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads an Athena source from the partition function\'s names', () => {
    const config = loadReportConfig({ ...BASE, REPORT_SOURCE: 'athena', GLUE_DATABASE: 'db', GLUE_TABLE: 't', ATHENA_WORKGROUP: 'wg' });

    expect(config.source).toMatchObject({ kind: 'athena', database: 'db', table: 't', workgroup: 'wg' });
    expect(config.source.kind === 'athena' && config.source.format.fields.map((f) => f.key)).toContain('log_status');
  });

  it('mails through SES only with both the identity and the recipient', () => {
    expect(loadReportConfig({ ...BASE, OPENSEARCH_ENDPOINT: 'http://127.0.0.1:9200', REPORT_SES_IDENTITY: 'example.com', REPORT_EMAIL: 'team@example.com' }).mail).toEqual({
      from: 'vpc-flow-logs@example.com',
      to: 'team@example.com',
    });
    expect(() => loadReportConfig({ ...BASE, OPENSEARCH_ENDPOINT: 'http://127.0.0.1:9200', REPORT_SES_IDENTITY: 'example.com' })).toThrow(/REPORT_EMAIL is required/);
    expect(senderFor('reports@example.com')).toBe('reports@example.com');
  });

  it.each([
    [{ OPENSEARCH_ENDPOINT: 'http://x' }, 'REPORT_BUCKET', { REPORT_TOPIC_ARN: 't' }],
    [{ OPENSEARCH_ENDPOINT: 'http://x' }, 'REPORT_TOPIC_ARN', { REPORT_BUCKET: 'b' }],
    [{}, 'OPENSEARCH_ENDPOINT', BASE],
    [{ REPORT_SOURCE: 'athena', GLUE_DATABASE: 'db', GLUE_TABLE: 't' }, 'ATHENA_WORKGROUP', BASE],
    [{ REPORT_SOURCE: 'elastic' }, 'REPORT_SOURCE', BASE],
    [{ OPENSEARCH_ENDPOINT: 'http://x', REPORT_LOOKBACK_DAYS: '0' }, 'REPORT_LOOKBACK_DAYS', BASE],
  ])('throws a ConfigError naming the variable (%j lacks or breaks %s)', (env, name, base) => {
    expect(() => loadReportConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadReportConfig({ ...base, ...env })).toThrow(name);
  });
});
