/**
 * The bucket that receives the server access logs of the app's other buckets.
 */
import { Duration } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';
import { secureBucket } from './secure-bucket.js';

export interface AccessLogBucketProps {
  /**
   * Days access-log objects are kept.
   * @default 90
   */
  readonly expirationDays?: number;
}

/** A {@link secureBucket} for S3 server access logs, expiring them after {@link AccessLogBucketProps.expirationDays}. */
export class AccessLogBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id);
    const expirationDays = props.expirationDays ?? 90;
    this.bucket = secureBucket(this, 'Bucket', {
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(expirationDays) }],
    });
    acknowledge(this.bucket, 'AwsSolutions-S1', 'This is the server access log bucket of the other buckets; logging it into itself would loop, and logging it elsewhere would need another unlogged bucket.');
  }
}
