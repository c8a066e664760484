import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { CONFIGS, allStatements, nagFindings, resourcesOf, synthesize } from '../helpers/flow-logs-stack.js';

const configs = Object.entries(CONFIGS);

describe('FlowLogsStack', () => {
  it.each(configs)('has no unacknowledged cdk-nag AwsSolutions finding (%s)', (_name, props) => {
    expect(nagFindings(props)).toEqual([]);
  });

  it('runs a cdk-nag pack that does report findings (a bare bucket)', () => {
    const app = new App();
    new Bucket(new Stack(app, 'Bare'), 'Bucket');
    const pack = new AwsSolutionsChecks(app);

    expect(pack.validateScope(app).violations.map((v) => v.ruleName).sort()).toEqual(['AwsSolutions-S1', 'AwsSolutions-S10']);
  });

  it.each(configs)('grants nothing to a wildcard principal (%s)', (_name, props) => {
    const allows = allStatements(synthesize(props).template).filter((s) => s.Effect === 'Allow');

    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) {
      expect(s.Principal === undefined || !/"\*"/.test(JSON.stringify(s.Principal))).toBe(true);
    }
  });

  it.each(configs)('grants no Allow on a bare "*" resource except in a KMS key policy (%s)', (_name, props) => {
    const { template } = synthesize(props);
    const keyStatements = new Set(
      Object.values(template.findResources('AWS::KMS::Key')).flatMap((k) => (k as { Properties: { KeyPolicy: { Statement: unknown[] } } }).Properties.KeyPolicy.Statement),
    );

    // The EC2 network-interface actions Lambda needs in a VPC take no resource ARN they could be scoped to.
    const bare = allStatements(template).filter((s) => s.Effect === 'Allow' && s.Sid !== 'VpcNetworkInterfaces' && !keyStatements.has(s) && [s.Resource].flat().includes('*'));
    expect(bare).toEqual([]);
  });

  it('acknowledges each cdk-nag rule on one resource with a written reason', () => {
    const { app } = synthesize(CONFIGS.domainInVpc);

    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => ({ path: c.node.path, data: m.data as Record<string, { reason: string } | string> })));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, data } of acknowledged) {
      expect(path).not.toBe('FlowLogs');
      for (const [id, entry] of Object.entries(data)) {
        const reason = typeof entry === 'string' ? entry : entry.reason;
        expect(id).toMatch(/AwsSolutions-/);
        expect(reason.length, `${id} on ${path}`).toBeGreaterThan(40);
      }
    }
  });

  it('wires the Athena construct to the bucket only when S3 is a destination', () => {
    expect(synthesize(CONFIGS.both).stack.node.tryFindChild('AthenaAnalytics')).toBeDefined();
    expect(synthesize(CONFIGS.s3Only).stack.node.tryFindChild('AthenaAnalytics')).toBeDefined();
    expect(synthesize(CONFIGS.cloudWatchLogsOnly).stack.node.tryFindChild('AthenaAnalytics')).toBeUndefined();
  });

  it.each(Object.entries(CONFIGS))('limits every service trust policy to this account (confused deputy): %s', (_name, props) => {
    const roles = Object.entries(resourcesOf(synthesize(props).template, 'AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    for (const [id, role] of roles) {
      const doc = role.Properties?.AssumeRolePolicyDocument as { Statement: { Principal?: { Service?: unknown }; Condition?: Record<string, Record<string, unknown>> }[] };
      for (const st of doc.Statement) {
        if (!st.Principal?.Service) continue;
        expect(st.Condition?.StringEquals?.['aws:SourceAccount'], `${id} trusts ${JSON.stringify(st.Principal.Service)}`).toEqual({ Ref: 'AWS::AccountId' });
      }
    }
  });

  it.each(configs)('keeps data on delete but lets a failed first deploy roll back completely: no plain Retain (%s)', (_name, props) => {
    const resources = Object.entries(synthesize(props).template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string }>);
    const mustKeep = ['AWS::OpenSearchService::Domain', 'AWS::S3::Bucket', 'AWS::KMS::Key'];

    expect(resources.filter(([, r]) => r.DeletionPolicy === 'Retain').map(([id]) => id)).toEqual([]);
    for (const [id, r] of resources.filter(([, r]) => mustKeep.includes(r.Type))) {
      expect({ id, policy: r.DeletionPolicy, replace: r.UpdateReplacePolicy }).toEqual({ id, policy: 'RetainExceptOnCreate', replace: 'Retain' });
    }
  });

  it('needs no account, region or lookup at synth', () => {
    const { stack, template } = synthesize(CONFIGS.domainInVpc);

    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
    expect(JSON.stringify(template.toJSON())).not.toMatch(/\b\d{12}\b/);
  });

  it('fails at synth with a message naming the bad setting', () => {
    expect(() => synthesize({ vpcIds: ['vpc-0123456789abcdef0'], aggregationInterval: 120 })).toThrow(ConfigError);
    expect(() => synthesize({ vpcIds: ['vpc-0123456789abcdef0'], aggregationInterval: 120 })).toThrow(/aggregationInterval .* is 120; allowed: 60, 600/);
  });
});
