import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { awsPublisher, LINK_EXPIRY_SECONDS } from '../../../../lambdas/reports/publish.js';

const s3Mock = mockClient(S3Client);
const snsMock = mockClient(SNSClient);
const sesMock = mockClient(SESv2Client);
afterEach(() => {
  s3Mock.reset();
  snsMock.reset();
  sesMock.reset();
});

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const s3 = () => new S3Client({ region: 'eu-west-1', credentials });
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:reports';

describe('awsPublisher', () => {
  it('stores the page as UTF-8 HTML and links to it with a GET presigned for 7 days', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    const publisher = awsPublisher({ s3: s3(), sns: new SNSClient({ region: 'eu-west-1', credentials }), bucket: 'reports-bucket', topicArn: TOPIC });

    const link = await publisher.store('weekly/2026-11-23_2026-11-29.html', '<!DOCTYPE html><p>é</p>');

    expect(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'reports-bucket',
      Key: 'weekly/2026-11-23_2026-11-29.html',
      Body: '<!DOCTYPE html><p>é</p>',
      ContentType: 'text/html; charset=utf-8',
      CacheControl: 'no-store',
    });
    const url = new URL(link);
    expect(url.hostname).toBe('reports-bucket.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/weekly/2026-11-23_2026-11-29.html');
    // 7 days, SigV4's longest (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
    expect(url.searchParams.get('X-Amz-Expires')).toBe('604800');
    expect(LINK_EXPIRY_SECONDS).toBe(604_800);
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('publishes the summary with its subject to the topic, naming the stored object', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const publisher = awsPublisher({ s3: s3(), sns: new SNSClient({ region: 'eu-west-1', credentials }), bucket: 'b', topicArn: TOPIC });
    await publisher.store('weekly/x.html', 'page');

    await publisher.announce('VPC flow logs: weekly report', 'summary\n');

    expect(snsMock.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({ TopicArn: TOPIC, Subject: 'VPC flow logs: weekly report', Message: 'summary\nStored as s3://b/weekly/x.html\n' });
  });

  it('sends no e-mail without SES settings, and the page as HTML with the text alternative with them', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'e-1' });
    const sns = new SNSClient({ region: 'eu-west-1', credentials });
    expect(awsPublisher({ s3: s3(), sns, bucket: 'b', topicArn: TOPIC }).mail).toBeUndefined();

    const publisher = awsPublisher({ s3: s3(), sns, bucket: 'b', topicArn: TOPIC, mail: { ses: new SESv2Client({ region: 'eu-west-1', credentials }), from: 'reports@example.com', to: 'team@example.com' } });
    await publisher.mail!('subject', '<html>page</html>', 'text');

    expect(sesMock.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
      FromEmailAddress: 'reports@example.com',
      Destination: { ToAddresses: ['team@example.com'] },
      Content: { Simple: { Subject: { Data: 'subject', Charset: 'UTF-8' }, Body: { Html: { Data: '<html>page</html>', Charset: 'UTF-8' }, Text: { Data: 'text', Charset: 'UTF-8' } } } },
    });
  });

  it('lets an S3 failure through, so the run fails before anything is announced', async () => {
    s3Mock.on(PutObjectCommand).rejects(new Error('AccessDenied'));
    const publisher = awsPublisher({ s3: s3(), sns: new SNSClient({ region: 'eu-west-1', credentials }), bucket: 'b', topicArn: TOPIC });

    await expect(publisher.store('weekly/x.html', 'page')).rejects.toThrow('AccessDenied');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
