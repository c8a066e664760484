/**
 * Where a finished weekly report goes on AWS: the page into the reports
 * bucket, a presigned GET link to it (7 days, SigV4's longest), the
 * plain-text summary to the SNS topic, and optionally the page itself as an
 * HTML e-mail through SES.
 *
 * A presigned URL is only as long-lived as the credentials that signed it:
 * signed with the function's role (temporary credentials), it stops working
 * when that session ends, hours rather than days later. The summary
 * therefore also names the object (`s3://bucket/key`), and the SES e-mail
 * carries the whole page. https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ReportPublisher } from '../../src/reports/weekly-run.js';

/** SigV4's longest presigned URL: 7 days. */
export const LINK_EXPIRY_SECONDS = 7 * 24 * 3600;

/** What {@link awsPublisher} needs. */
export interface AwsPublisherOptions {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly bucket: string;
  readonly topicArn: string;
  /** SES client and addresses; without them no e-mail is sent. */
  readonly mail?: { readonly ses: SESv2Client; readonly from: string; readonly to: string };
}

/** S3 + SNS (+ SES) as a {@link ReportPublisher}. */
export function awsPublisher(options: AwsPublisherOptions): ReportPublisher {
  const { s3, sns, bucket, topicArn, mail } = options;
  let objectUri = '';
  return {
    async store(key, html) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: html, ContentType: 'text/html; charset=utf-8', CacheControl: 'no-store' }));
      objectUri = `s3://${bucket}/${key}`;
      return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: LINK_EXPIRY_SECONDS });
    },
    async announce(subject, text) {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: `${text}Stored as ${objectUri}\n` }));
    },
    ...(mail
      ? {
          async mail(subject: string, html: string, text: string): Promise<void> {
            await mail.ses.send(
              new SendEmailCommand({
                FromEmailAddress: mail.from,
                Destination: { ToAddresses: [mail.to] },
                Content: { Simple: { Subject: { Data: subject, Charset: 'UTF-8' }, Body: { Html: { Data: html, Charset: 'UTF-8' }, Text: { Data: text, Charset: 'UTF-8' } } } },
              }),
            );
          },
        }
      : {}),
  };
}
