/**
 * The one way this app makes a bucket: encrypted, private, TLS only, owner
 * enforced, kept when the stack is deleted, access-logged.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket, type IBucket, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface SecureBucketProps {
  /** Bucket that receives this bucket's server access logs. @default - none (only for the access-log bucket itself) */
  readonly accessLogs?: { readonly bucket: IBucket; readonly prefix: string };
  /** Lifecycle rules besides the abort of incomplete multipart uploads after 7 days. @default - none */
  readonly lifecycleRules?: readonly LifecycleRule[];
}

/**
 * A bucket with SSE-S3 encryption, every public-access block, a policy that
 * denies plain HTTP and TLS below 1.2, ACLs disabled (bucket owner enforced),
 * and `RETAIN_ON_UPDATE_OR_DELETE` (CloudFormation's `RetainExceptOnCreate`):
 * `cdk destroy` never deletes logs, and a failed first deploy leaves no bucket behind.
 *
 * SSE-S3 rather than SSE-KMS: log delivery, Athena and the ingest function
 * then need no key grants, and there is no per-request KMS charge.
 */
export function secureBucket(scope: Construct, id: string, props: SecureBucketProps = {}): Bucket {
  const bucket = new Bucket(scope, id, {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    lifecycleRules: [{ id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }, ...(props.lifecycleRules ?? [])],
  });
  if (props.accessLogs) logAccess(bucket, props.accessLogs.bucket, props.accessLogs.prefix);
  return bucket;
}

/**
 * Server access logging through a bucket policy for `logging.s3.amazonaws.com`
 * (not the LogDeliveryWrite ACL CDK uses without a feature flag, which owner-enforced
 * buckets refuse), limited to `source` in this account.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 */
function logAccess(source: Bucket, target: IBucket, prefix: string): void {
  const stack = Stack.of(source);
  (source.node.defaultChild as CfnBucket).loggingConfiguration = { destinationBucketName: target.bucketName, logFilePrefix: prefix };
  target.addToResourcePolicy(
    new PolicyStatement({
      sid: `ServerAccessLogsFrom${source.node.id}`,
      principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [target.arnForObjects(`${prefix}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': source.bucketArn },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }),
  );
}
