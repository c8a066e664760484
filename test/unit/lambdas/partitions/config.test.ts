import { describe, expect, it } from 'vitest';
import { loadPartitionConfig } from '../../../../lambdas/partitions/config.js';
import { ConfigError } from '../../../../src/errors.js';
import { PARTITION_ENV } from '../../../../src/settings.js';

const ENV = {
  [PARTITION_ENV.database]: 'vpcflowlogs',
  [PARTITION_ENV.table]: 'vpc_flow_logs',
  [PARTITION_ENV.bucket]: 'flow-log-bucket',
  [PARTITION_ENV.prefix]: 'vpc-flow-logs/',
  [PARTITION_ENV.workgroup]: 'VpcFlowLogs-flow-logs',
  [PARTITION_ENV.accountId]: '123456789012',
  [PARTITION_ENV.region]: 'eu-west-1',
};

describe('loadPartitionConfig', () => {
  it('reads every setting, with a 7-day look-back by default', () => {
    const config = loadPartitionConfig(ENV);

    expect(config).toEqual({
      table: { database: 'vpcflowlogs', table: 'vpc_flow_logs' },
      location: { bucket: 'flow-log-bucket', prefix: 'vpc-flow-logs/', accountId: '123456789012', region: 'eu-west-1' },
      workgroup: 'VpcFlowLogs-flow-logs',
      lookbackDays: 7,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the look-back, 0 included', () => {
    expect(loadPartitionConfig({ ...ENV, [PARTITION_ENV.lookbackDays]: '30' }).lookbackDays).toBe(30);
    expect(loadPartitionConfig({ ...ENV, [PARTITION_ENV.lookbackDays]: '0' }).lookbackDays).toBe(0);
  });

  it('takes the region from AWS_REGION when the flow log\'s is not set', () => {
    expect(loadPartitionConfig({ ...ENV, [PARTITION_ENV.region]: undefined, AWS_REGION: 'us-east-1' }).location.region).toBe('us-east-1');
  });

  it('accepts an empty prefix (logs at the bucket root) but not a missing one', () => {
    expect(loadPartitionConfig({ ...ENV, [PARTITION_ENV.prefix]: '' }).location.prefix).toBe('');
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.prefix]: undefined })).toThrow(new RegExp(`${PARTITION_ENV.prefix} is required`));
  });

  it('names each missing variable', () => {
    for (const name of [PARTITION_ENV.database, PARTITION_ENV.table, PARTITION_ENV.bucket, PARTITION_ENV.workgroup, PARTITION_ENV.accountId]) {
      expect(() => loadPartitionConfig({ ...ENV, [name]: undefined }), name).toThrow(new RegExp(`^${name} is required`));
    }
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.region]: undefined })).toThrow(new RegExp(`${PARTITION_ENV.region} is required`));
  });

  it('needs no workgroup when nothing runs', () => {
    expect(loadPartitionConfig({ ...ENV, [PARTITION_ENV.workgroup]: undefined }, { requireWorkgroup: false }).workgroup).toBeUndefined();
  });

  it('names the variable of a bad value', () => {
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.database]: 'Flow-Logs' })).toThrow(new RegExp(`^${PARTITION_ENV.database}: database must be`));
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.lookbackDays]: 'seven' })).toThrow(new RegExp(`^${PARTITION_ENV.lookbackDays} must be`));
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.lookbackDays]: '-1' })).toThrow(ConfigError);
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.accountId]: 'abc' })).toThrow(new RegExp(`^${PARTITION_ENV.accountId}: account id must be 12 digits`));
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.bucket]: 'B' })).toThrow(new RegExp(`^${PARTITION_ENV.bucket}: bucket must be an S3 bucket name`));
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.prefix]: 'logs' })).toThrow(new RegExp(`^${PARTITION_ENV.prefix}: prefix must be empty`));
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.region]: 'Europe' })).toThrow(new RegExp(`^${PARTITION_ENV.region}: region must be a region name`));
    expect(() => loadPartitionConfig({ ...ENV, [PARTITION_ENV.workgroup]: 'no spaces' })).toThrow(new RegExp(`^${PARTITION_ENV.workgroup} must be`));
  });
});
