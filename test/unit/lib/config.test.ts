import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, propsFromContext, resolveConfig, type FlowLogsProps } from '../../../lib/config.js';
import { ConfigError } from '../../../src/errors.js';
import { DEFAULT_FORMAT, formatOf } from '../../../src/format/flow-log-schema.js';
import { PARTITION_ENV, PARTITION_LOOKBACK_DAYS_RANGE } from '../../../src/settings.js';
import { loadPartitionConfig } from '../../../lambdas/partitions/config.js';

const VPC = 'vpc-0123456789abcdef0';
const base: FlowLogsProps = { vpcIds: [VPC] };

/** The ConfigError `fn` throws. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig', () => {
  it('fills in every default from only the VPC ids', () => {
    const config = resolveConfig(base);

    expect(config).toMatchObject({
      vpcIds: [VPC],
      trafficType: 'ALL',
      aggregationInterval: 600,
      cloudWatchLogs: true,
      s3: true,
      logRetentionDays: 14,
      logGroupKms: false,
      s3TransitionDays: 30,
      s3TransitionStorageClass: 'STANDARD_IA',
      s3ExpirationDays: 365,
      vpcPlacement: undefined,
      indexPrefix: 'vpcflowlogs',
      indexRetentionDays: 30,
      opsLogRetentionDays: 30,
      ingestMemoryMiB: 1024,
      ingestTimeoutSeconds: 60,
      ingestReservedConcurrency: undefined,
      ingestFilter: 'all',
      ingestRetryAttempts: 2,
      ingestMaxEventAgeSeconds: 21600,
      geoip: true,
      deadLetterExpirationDays: 90,
      alarmEmail: undefined,
      // 10 GiB per query.
      athena: { partitionProjection: false, lookbackDays: 7, bytesScannedCutoffPerQuery: 10737418240, resultsExpirationDays: 30 },
      report: { schedule: 'cron(30 0 ? * MON *)', email: undefined, sesIdentity: undefined },
      dashboards: { import: true, signIn: 'iam' },
      domain: { kind: 'new', instanceType: 't3.small.search', instanceCount: 2, volumeSizeGiB: 77, zoneAwareness: false, dedicatedMasterCount: 0, engineVersion: 'OpenSearch_2.19', adminPrincipalArns: [] },
    });
    expect(config.format).toBe(DEFAULT_FORMAT);
  });

  it('sizes a larger expected volume onto more nodes, and leaves other instance types unchecked', () => {
    // 151.8 bytes a record. 20 million records a day, 30 days: 2.8275 GiB x 31 x 2 x 1.45 x 1.2 = 305.0 GiB,
    // over 4 nodes 76.26 -> 77 GiB; 50 million on 2 nodes: 7.0687 GiB x 31 x 2 x 1.45 x 1.2 = 762.6 GiB, 381.3 -> 382 each.
    const four = resolveConfig({ ...base, expectedDailyRecords: 20_000_000, domainInstanceCount: 4 });
    const large = resolveConfig({ ...base, expectedDailyRecords: 50_000_000, domainInstanceType: 'm7g.large.search' });

    expect(four.domain).toMatchObject({ kind: 'new', volumeSizeGiB: 77 });
    expect(large.domain).toMatchObject({ kind: 'new', volumeSizeGiB: 382 });
  });

  it('takes a custom format as a list of field names in either spelling', () => {
    const config = resolveConfig({ ...base, logFormat: ['version', 'vpc_id', 'srcaddr', 'flow-direction'] });

    expect(config.format.fields.map((f) => f.name)).toEqual(['version', 'vpc-id', 'srcaddr', 'flow-direction']);
  });

  it('reads an existing domain endpoint without its scheme and trailing slash', () => {
    const config = resolveConfig({ ...base, opensearchEndpoint: 'https://search-logs-abc123xyz.eu-west-1.es.amazonaws.com/' });

    expect(config.domain).toEqual({ kind: 'existing', endpoint: 'search-logs-abc123xyz.eu-west-1.es.amazonaws.com', domainArn: undefined });
  });

  it('accepts a custom endpoint together with the domain ARN', () => {
    const config = resolveConfig({ ...base, opensearchEndpoint: 'https://logs.example.com', opensearchDomainArn: 'arn:aws:es:eu-west-1:123456789012:domain/logs' });

    expect(config.domain).toEqual({ kind: 'existing', endpoint: 'logs.example.com', domainArn: 'arn:aws:es:eu-west-1:123456789012:domain/logs' });
  });

  it('places the domain in a VPC with one subnet per Availability Zone', () => {
    const config = resolveConfig({ ...base, domainVpcId: VPC, domainSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], domainZoneAwareness: true });

    expect(config.vpcPlacement).toEqual({ vpcId: VPC, subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] });
  });

  // Each case: the props, the setting named, the bad value shown, words of what is allowed.
  // Overrides are untyped on purpose: they are what a cdk.json could hold.
  const invalid: [string, Readonly<Record<string, unknown>>, string, string, string][] = [
    ['no VPC ids', { vpcIds: [] }, 'vpcIds', '[]', 'one or more VPC ids'],
    ['a malformed VPC id', { vpcIds: ['vpc-123'] }, 'vpcIds', '"vpc-123"', 'VPC ids such as'],
    ['a VPC id twice', { vpcIds: [VPC, VPC] }, 'vpcIds', VPC, 'each at most once'],
    ['an unknown traffic type', { trafficType: 'SOME' }, 'trafficType', '"SOME"', '"ALL", "ACCEPT", "REJECT"'],
    ['an aggregation interval of 30', { aggregationInterval: 30 }, 'aggregationInterval', '30', '60, 600'],
    ['an unknown field', { logFormat: ['version', 'colour'] }, 'logFormat', 'colour', 'unknown flow-log field "colour"'],
    ['a field twice', { logFormat: ['srcaddr', 'srcaddr'] }, 'logFormat', 'srcaddr', 'appears twice'],
    ['an unknown destination', { destinations: ['kinesis'] }, 'destinations', 'kinesis', '"cloud-watch-logs", "s3"'],
    ['no destination', { destinations: [] }, 'destinations', '[]', 'non-empty list'],
    ['a retention CloudWatch Logs refuses', { logRetentionDays: 10 }, 'logRetentionDays', '10', '1, 3, 5, 7, 14'],
    ['an IA transition before day 30', { s3TransitionDays: 7 }, 's3TransitionDays', '7', 'at least 30 for STANDARD_IA'],
    ['expiry before the transition', { s3TransitionDays: 90, s3ExpirationDays: 60 }, 's3ExpirationDays', '60', 'more than s3TransitionDays (90)'],
    ['an unknown storage class', { s3TransitionStorageClass: 'DEEP_ARCHIVE' }, 's3TransitionStorageClass', '"DEEP_ARCHIVE"', '"GLACIER_IR"'],
    ['an endpoint a domain ARN cannot be derived from', { opensearchEndpoint: 'https://logs.example.com' }, 'opensearchEndpoint', 'logs.example.com', 'or set opensearchDomainArn'],
    ['a plain-HTTP endpoint', { opensearchEndpoint: 'http://search-a-b.eu-west-1.es.amazonaws.com' }, 'opensearchEndpoint', 'http://', 'an https endpoint'],
    ['a domain ARN without an endpoint', { opensearchDomainArn: 'arn:aws:es:eu-west-1:123456789012:domain/logs' }, 'opensearchDomainArn', 'domain/logs', 'only together with opensearchEndpoint'],
    ['an instance type without .search', { domainInstanceType: 'm7g.large' }, 'domainInstanceType', '"m7g.large"', 'such as "t3.small.search"'],
    ['zero data nodes', { domainInstanceCount: 0 }, 'domainInstanceCount', '0', 'an integer from 1 to 80'],
    ['an odd node count across 2 zones', { domainZoneAwareness: true, domainInstanceCount: 3 }, 'domainInstanceCount', '3', 'a multiple of domainAvailabilityZoneCount (2)'],
    ['4 Availability Zones', { domainAvailabilityZoneCount: 4 }, 'domainAvailabilityZoneCount', '4', '2, 3'],
    ['two dedicated masters', { domainDedicatedMasterCount: 2 }, 'domainDedicatedMasterCount', '2', '0, 3, 5'],
    ['subnets without a VPC', { domainSubnetIds: ['subnet-0123456789abcdef0'] }, 'domainVpcId', 'undefined', 'required with domainSubnetIds'],
    ['a VPC without subnets', { domainVpcId: VPC }, 'domainSubnetIds', 'undefined', 'required with domainVpcId'],
    ['two subnets without zone awareness', { domainVpcId: VPC, domainSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] }, 'domainSubnetIds', 'subnet-0123456789abcdef1', 'exactly 1 subnet id(s)'],
    ['an admin that is not an IAM ARN', { domainAdminPrincipalArns: ['alice'] }, 'domainAdminPrincipalArns', 'alice', 'IAM role or user ARNs'],
    ['a domain name with capitals', { domainName: 'FlowLogs' }, 'domainName', '"FlowLogs"', '3 to 28 characters'],
    // 50 million records a day kept 30 days: 7.07 GiB a day, 31 days, x 2 x 1.45 x 1.2 = 762.6 GiB, 382 per node.
    ['more storage than a t3.small.search takes', { expectedDailyRecords: 50_000_000 }, 'domainVolumeSizeGiB', '382', 'at most 100 GiB per node on t3.small.search'],
    ['more than 10 T3 data nodes', { domainInstanceCount: 12 }, 'domainInstanceCount', '12', 'at most 10 data nodes of t3.small.search'],
    ['a volume below what the expected records need', { domainVolumeSizeGiB: 10 }, 'domainVolumeSizeGiB', '10', 'need 77 GiB on each of 2 nodes'],
    ['the REJECT-only filter without the action field', { ingestFilter: 'reject', logFormat: ['version', 'srcaddr', 'dstaddr'] }, 'ingestFilter', '"reject"', 'action field'],
    ['reserved concurrency 0', { ingestReservedConcurrency: 0 }, 'ingestReservedConcurrency', '0', 'an integer from 1 to 1000'],
    ['3 retries', { ingestRetryAttempts: 3 }, 'ingestRetryAttempts', '3', 'an integer from 0 to 2'],
    ['a fractional memory size', { ingestMemoryMiB: 1024.5 }, 'ingestMemoryMiB', '1024.5', 'an integer from 128 to 10240'],
    ['an index prefix with capitals', { indexPrefix: 'Flows' }, 'indexPrefix', '"Flows"', 'lower-case letters'],
    ['a malformed e-mail address', { alarmEmail: 'ops' }, 'alarmEmail', '"ops"', 'an e-mail address'],
    ['a string where a boolean belongs', { geoip: 'yes' }, 'geoip', '"yes"', 'true or false'],
  ];

  it.each(invalid)('rejects %s, naming the setting, the value and what is allowed', (_case, override, key, shown, allowed) => {
    const error = configError(() => resolveConfig({ ...base, ...override } as unknown as FlowLogsProps));

    expect(error.message).toContain(`${key} (context key flowlogs:${key})`);
    expect(error.message).toContain(shown);
    expect(error.message).toContain(allowed);
  });
});

describe('propsFromContext', () => {
  it('reads JSON values as cdk.json holds them', () => {
    const props = propsFromContext({
      'flowlogs:vpcIds': [VPC],
      'flowlogs:aggregationInterval': 60,
      'flowlogs:logFormat': ['version', 'srcaddr'],
      'flowlogs:geoip': false,
      '@aws-cdk/core:someFeatureFlag': true,
    });

    expect(props).toEqual({ vpcIds: [VPC], aggregationInterval: 60, logFormat: ['version', 'srcaddr'], geoip: false });
  });

  it('converts the strings that `cdk -c key=value` passes', () => {
    const props = propsFromContext({
      'flowlogs:vpcIds': `${VPC}, vpc-0fedcba9876543210`,
      'flowlogs:aggregationInterval': '60',
      'flowlogs:logGroupKms': 'true',
      'flowlogs:destinations': 's3',
    });

    expect(props).toEqual({ vpcIds: [VPC, 'vpc-0fedcba9876543210'], aggregationInterval: 60, logGroupKms: true, destinations: ['s3'] });
  });

  it('takes the format as a LogFormat string', () => {
    const props = propsFromContext({ 'flowlogs:vpcIds': [VPC], 'flowlogs:logFormat': '${version} ${vpc-id} ${srcaddr}' });

    expect(resolveConfig(props).format).toEqual(formatOf(['version', 'vpc-id', 'srcaddr']));
  });

  it('takes "default" as the default format', () => {
    const props = propsFromContext({ 'flowlogs:vpcIds': [VPC], 'flowlogs:logFormat': 'default' });

    expect(resolveConfig(props).format).toBe(DEFAULT_FORMAT);
  });

  it('rejects an unknown flowlogs: key and lists the known ones', () => {
    const error = configError(() => propsFromContext({ 'flowlogs:vpcIds': [VPC], 'flowlogs:vpcId': VPC }));

    expect(error.message).toContain('unknown context key flowlogs:vpcId');
    expect(error.message).toContain('flowlogs:vpcIds');
  });

  it('requires the VPC ids', () => {
    const error = configError(() => propsFromContext({ 'flowlogs:trafficType': 'ALL' }));

    expect(error.message).toContain('vpcIds (context key flowlogs:vpcIds) is undefined');
  });

  it('rejects a number that is not one', () => {
    const error = configError(() => propsFromContext({ 'flowlogs:vpcIds': [VPC], 'flowlogs:aggregationInterval': 'ten' }));

    expect(error.message).toBe('invalid configuration: aggregationInterval (context key flowlogs:aggregationInterval) is "ten"; allowed: a number');
  });

  it('rejects a malformed format string', () => {
    const error = configError(() => propsFromContext({ 'flowlogs:vpcIds': [VPC], 'flowlogs:logFormat': '${version} srcaddr' }));

    expect(error.message).toContain('logFormat (context key flowlogs:logFormat)');
  });

  it('knows a context key for every prop', () => {
    expect(CONTEXT_KEYS).toContain('flowlogs:vpcIds');
    expect(CONTEXT_KEYS.every((k) => k.startsWith('flowlogs:'))).toBe(true);
  });
});

describe('the partition look-back (athenaLookbackDays)', () => {
  // The app's configuration once allowed 1 to 366 and the construct and the function 0 to 3660:
  // a value one accepted, another refused. One range now, src/settings.ts.
  const ENV = {
    [PARTITION_ENV.database]: 'flowlogs',
    [PARTITION_ENV.table]: 'vpc_flow_logs',
    [PARTITION_ENV.bucket]: 'flow-log-bucket',
    [PARTITION_ENV.prefix]: 'vpc-flow-logs/',
    [PARTITION_ENV.workgroup]: 'FlowLogs-flow-logs',
    [PARTITION_ENV.accountId]: '123456789012',
    [PARTITION_ENV.region]: 'eu-west-1',
  };
  const accepted = (days: number) => ({
    config: (() => {
      try {
        return resolveConfig({ ...base, athenaLookbackDays: days }).athena.lookbackDays === days;
      } catch {
        return false;
      }
    })(),
    function: (() => {
      try {
        return loadPartitionConfig({ ...ENV, [PARTITION_ENV.lookbackDays]: String(days) }).lookbackDays === days;
      } catch {
        return false;
      }
    })(),
  });

  it('is 0 (today and tomorrow only) to 366 days', () => {
    expect(PARTITION_LOOKBACK_DAYS_RANGE).toEqual({ min: 0, max: 366 });
  });

  it('is the same for the configuration and the function, at both ends and beyond', () => {
    expect([-1, 0, 1, 366, 367, 3660].map((days) => [days, accepted(days)])).toEqual([
      [-1, { config: false, function: false }],
      [0, { config: true, function: true }],
      [1, { config: true, function: true }],
      [366, { config: true, function: true }],
      [367, { config: false, function: false }],
      [3660, { config: false, function: false }],
    ]);
  });

  it('names the key and the range when refused', () => {
    expect(configError(() => resolveConfig({ ...base, athenaLookbackDays: 367 })).message).toBe(
      'invalid configuration: athenaLookbackDays (context key flowlogs:athenaLookbackDays) is 367; allowed: an integer from 0 to 366',
    );
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.lookbackDays]: '367' })).toThrow('PARTITION_LOOKBACK_DAYS must be a whole number of days from 0 to 366, got "367"');
  });
});
