import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { AthenaCatalog } from '../../lib/constructs/athena-catalog.js';
import { AthenaWorkgroup, ATHENA_WORKGROUP_DEFAULTS, ATHENA_WORKGROUP_RANGES, type AthenaWorkgroupProps } from '../../lib/constructs/athena-workgroup.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_FORMAT, formatOf } from '../../src/format/flow-log-schema.js';

function build(extra: Partial<Omit<AthenaWorkgroupProps, 'logGroup'>> & { logGroup?: boolean } = {}) {
  const app = new App();
  const stack = new Stack(app, 'FlowLogs', { env: { account: '123456789012', region: 'eu-west-1' } });
  const catalog = new AthenaCatalog(stack, 'Catalog', { bucket: Bucket.fromBucketName(stack, 'Logs', 'flow-log-bucket'), prefix: 'vpc-flow-logs/', format: DEFAULT_FORMAT });
  const { logGroup, ...rest } = extra;
  const workgroup = new AthenaWorkgroup(stack, 'Workgroup', { catalog, format: DEFAULT_FORMAT, ...(logGroup ? { logGroup: new LogGroup(stack, 'FlowLogGroup') } : {}), ...rest });
  return { stack, catalog, workgroup, template: Template.fromStack(stack) };
}

describe('AthenaWorkgroup in a bare stack', () => {
  it('exports its defaults and ranges: 10 GiB per query (at least 10 MiB), results kept 30 days (1 to 36500)', () => {
    expect(ATHENA_WORKGROUP_DEFAULTS).toEqual({ bytesScannedCutoffPerQuery: 10737418240, resultsExpirationDays: 30 });
    expect(ATHENA_WORKGROUP_RANGES).toEqual({ bytesScannedCutoffPerQuery: { min: 10485760, max: Number.MAX_SAFE_INTEGER }, resultsExpirationDays: { min: 1, max: 36500 } });
  });

  it('applies the defaults: a 10 GiB cutoff, results expiring after 30 days', () => {
    const { workgroup, template } = build();

    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'FlowLogs-flow-logs',
      WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 10737418240, EnforceWorkGroupConfiguration: true },
    });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireQueryResults', ExpirationInDays: 30 })]) } });
    expect([workgroup.bytesScannedCutoffPerQuery, workgroup.resultsExpirationDays]).toEqual([10737418240, 30]);
  });

  it('has one named query per report the default format serves, reading the catalog\'s table after it exists', () => {
    const { stack, catalog, template } = build();

    const queries = Object.values(template.findResources('AWS::Athena::NamedQuery')) as { Properties: { Name: string; Database: string }; DependsOn: string[] }[];
    expect(queries.map((q) => q.Properties.Name).sort()).toEqual([
      'accept-reject-ratio',
      'bytes-over-time',
      'bytes-per-interface',
      'packets-over-time',
      'packets-per-interface',
      'reject-by-protocol',
      'rejected-by-port',
      'top-rejected-sources',
      'top-talkers',
    ]);
    for (const q of queries) {
      expect(q.Properties.Database).toBe('flowlogs');
      expect(q.DependsOn).toEqual([stack.getLogicalId(catalog.table)]);
    }
    template.resourceCountIs('AWS::Logs::QueryDefinition', 0);
  });

  it('adds a Logs Insights query definition per report the format serves, with a log group', () => {
    const { template } = build({ logGroup: true, format: formatOf(['srcaddr', 'dstaddr', 'bytes']) });

    expect(Object.values(template.findResources('AWS::Logs::QueryDefinition')).map((d) => (d as { Properties: { Name: string } }).Properties.Name).sort()).toEqual(['FlowLogs/bytes-over-time', 'FlowLogs/top-talkers']);
  });

  it('refuses a cutoff below 10 MiB and a results expiry out of range, naming the construct and the prop', () => {
    expect(() => build({ bytesScannedCutoffPerQuery: 10485759 })).toThrow(ConfigError);
    expect(() => build({ bytesScannedCutoffPerQuery: 10485759 })).toThrow('AthenaWorkgroup: bytesScannedCutoffPerQuery must be a whole number from 10485760 to 9007199254740991 (Athena\'s minimum is 10 MiB), got 10485759');
    expect(() => build({ resultsExpirationDays: 0 })).toThrow('AthenaWorkgroup: resultsExpirationDays must be a whole number from 1 to 36500, got 0');
    expect(() => build({ bytesScannedCutoffPerQuery: 10485760, resultsExpirationDays: 36500 })).not.toThrow();
  });
});
