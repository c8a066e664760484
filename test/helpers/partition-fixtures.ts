/**
 * The table and flow-log location the partition tests share, and the
 * environment that names them to the partition function and the CLI.
 */
import type { FlowLogLocation, TableRef } from '../../src/athena/partitions.js';
import { PARTITION_ENV } from '../../src/settings.js';

export const TABLE: TableRef = { database: 'vpcflowlogs', table: 'vpc_flow_logs' };
export const LOCATION: FlowLogLocation = { bucket: 'flow-log-bucket', prefix: 'vpc-flow-logs/', accountId: '123456789012', region: 'eu-west-1' };

/** PARTITION_ENV variables for TABLE and LOCATION. */
export const PARTITION_TEST_ENV: Record<string, string> = {
  [PARTITION_ENV.database]: TABLE.database,
  [PARTITION_ENV.table]: TABLE.table,
  [PARTITION_ENV.bucket]: LOCATION.bucket,
  [PARTITION_ENV.prefix]: LOCATION.prefix,
  [PARTITION_ENV.accountId]: LOCATION.accountId,
  [PARTITION_ENV.region]: LOCATION.region,
};
