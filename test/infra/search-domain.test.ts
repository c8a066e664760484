import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config.js';
import { defaultDomainName, INGEST_HTTP_ACTIONS, SEARCH_DOMAIN_DEFAULTS, SEARCH_DOMAIN_RANGES, SearchDomain } from '../../lib/constructs/search-domain.js';
import { ConfigError } from '../../src/errors.js';
import { CONFIGS, VPC_ID, actionsOf, allStatements, flattenJoin, resourcesOf, synthesize, type Statement } from '../helpers/flow-logs-stack.js';

/** The paths the ingest function calls (lambdas/shared/opensearch.ts), by hand: `_bulk`, its two templates, its ISM policy, its indices. */
function ingestPaths(domainArn: string, prefix: string): string[] {
  return [`${domainArn}/_bulk`, `${domainArn}/_component_template/${prefix}-mappings`, `${domainArn}/_index_template/${prefix}`, `${domainArn}/_plugins/_ism/policies/${prefix}-retention`, `${domainArn}/${prefix}-*`];
}

function domainOf(template: ReturnType<typeof synthesize>['template']): Record<string, unknown> {
  const domains = Object.values(resourcesOf(template, 'AWS::OpenSearchService::Domain'));
  expect(domains).toHaveLength(1);
  return domains[0]?.Properties ?? {};
}

describe('SearchDomain', () => {
  describe('a domain the app creates', () => {
    it('encrypts at rest and between nodes, and takes HTTPS only with TLS 1.2 or later', () => {
      const { template } = synthesize(CONFIGS.both);

      expect(domainOf(template)).toMatchObject({
        EncryptionAtRestOptions: { Enabled: true },
        NodeToNodeEncryptionOptions: { Enabled: true },
        DomainEndpointOptions: { EnforceHTTPS: true },
      });
      const props = domainOf(template) as { DomainEndpointOptions: { TLSSecurityPolicy: string } };
      expect(props.DomainEndpointOptions.TLSSecurityPolicy).toMatch(/^Policy-Min-TLS-1-2/);
    });

    it('never opens access: every Allow names its principals, none is "*"', () => {
      const { template } = synthesize(CONFIGS.both);

      const policy = domainOf(template).AccessPolicies as { Statement: Statement[] };
      expect(policy.Statement.length).toBeGreaterThan(0);
      for (const s of policy.Statement) {
        expect(s.Effect).toBe('Allow');
        expect(JSON.stringify(s.Principal)).not.toContain('"*"');
        expect(s.Principal).toHaveProperty('AWS');
      }
    });

    it('maps the ingest role in the access policy with the ingest HTTP methods on this domain only', () => {
      const { template, stack } = synthesize(CONFIGS.both);

      const roleId = stack.getLogicalId(stack.ingest!.role.node.defaultChild as never);
      const policy = domainOf(template).AccessPolicies as { Statement: Statement[] };
      const ingest = policy.Statement.find((s) => s.Sid === 'IngestFunction');
      expect(ingest?.Principal).toEqual({ AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } });
      expect(actionsOf(ingest!)).toEqual(INGEST_HTTP_ACTIONS);
      expect([ingest?.Resource].flat().map(flattenJoin)).toEqual(ingestPaths('arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/flowlogs', 'vpcflowlogs'));
    });

    it('delegates admin access to this account\'s IAM policies by default, or to the configured principals', () => {
      const byDefault = domainOf(synthesize(CONFIGS.both).template).AccessPolicies as { Statement: Statement[] };
      const configured = domainOf(synthesize({ ...CONFIGS.both, domainAdminPrincipalArns: ['arn:aws:iam::123456789012:role/Admin'] }).template).AccessPolicies as { Statement: Statement[] };

      const admin = (p: { Statement: Statement[] }) => p.Statement.find((s) => s.Sid === 'Administrators');
      expect(flattenJoin((admin(byDefault)?.Principal as { AWS: unknown }).AWS)).toBe('arn:<AWS::Partition>:iam::<AWS::AccountId>:root');
      expect(admin(configured)?.Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:role/Admin' });
    });

    it('sizes the cluster from the configuration with small defaults', () => {
      const { template } = synthesize(CONFIGS.both);

      expect(domainOf(template)).toMatchObject({
        DomainName: 'flowlogs',
        EngineVersion: 'OpenSearch_2.19',
        ClusterConfig: { InstanceType: 't3.small.search', InstanceCount: 2, DedicatedMasterEnabled: false, ZoneAwarenessEnabled: false, MultiAZWithStandbyEnabled: false },
        // 10 million records a day x 151.8 bytes x 31 days x 2 copies x 1.45 x 1.2 = 152.5 GiB over 2 nodes.
        EBSOptions: { EBSEnabled: true, VolumeSize: 77, VolumeType: 'gp3' },
      });
    });

    it('spreads nodes over Availability Zones and adds dedicated masters when configured', () => {
      const { template } = synthesize({ ...CONFIGS.both, domainInstanceType: 'm7g.large.search', domainInstanceCount: 3, domainZoneAwareness: true, domainAvailabilityZoneCount: 3, domainDedicatedMasterCount: 3 });

      expect(domainOf(template)).toMatchObject({
        ClusterConfig: {
          InstanceType: 'm7g.large.search',
          InstanceCount: 3,
          ZoneAwarenessEnabled: true,
          ZoneAwarenessConfig: { AvailabilityZoneCount: 3 },
          DedicatedMasterEnabled: true,
          DedicatedMasterCount: 3,
          DedicatedMasterType: 'm7g.large.search',
        },
      });
    });

    it('publishes slow logs and error logs to CloudWatch Logs, through a resource policy limited to this domain', () => {
      const { template } = synthesize(CONFIGS.both);

      const publishing = domainOf(template).LogPublishingOptions as Record<string, { Enabled: boolean }>;
      expect(Object.keys(publishing).sort()).toEqual(['ES_APPLICATION_LOGS', 'INDEX_SLOW_LOGS', 'SEARCH_SLOW_LOGS']);
      expect(Object.values(publishing).every((p) => p.Enabled)).toBe(true);
      const policy = Object.values(resourcesOf(template, 'AWS::Logs::ResourcePolicy'))[0];
      const document = JSON.parse(flattenJoin(policy?.Properties?.PolicyDocument)) as { Statement: Statement[] };
      expect(document.Statement).toHaveLength(1);
      expect(document.Statement[0]).toMatchObject({
        Principal: { Service: 'es.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '<AWS::AccountId>' },
          ArnLike: { 'aws:SourceArn': 'arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/flowlogs' },
        },
      });
      template.hasResource('AWS::OpenSearchService::Domain', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('^SearchDomainLogsResourcePolicy')]) });
    });

    it('uses no custom resource for access or log policies (the only one imports the Dashboards saved objects)', () => {
      const { template } = synthesize(CONFIGS.both);

      // The custom resources: the Athena construct's run of the partition function on deploy and the Dashboards import.
      const custom = Object.values(template.toJSON().Resources as Record<string, { Type: string }>).filter((r) => r.Type.startsWith('Custom::'));
      expect(custom.map((r) => r.Type).sort()).toEqual(['Custom::DashboardsSavedObjects', 'Custom::Trigger']);
      expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).filter((id) => !/^(AthenaAnalytics|AWSCDKTrigger|DashboardsSetup)/.test(id))).toEqual([
        expect.stringMatching(/^IngestFunction/),
        expect.stringMatching(/^ReportFunction/),
      ]);
    });

    it('keeps the domain when the stack is deleted, but not when its creation is rolled back (RetainExceptOnCreate)', () => {
      const { template } = synthesize(CONFIGS.both);

      template.hasResource('AWS::OpenSearchService::Domain', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    });

    it('keeps the VPC domain\'s security group with the domain, so cdk destroy does not fail on a group still in use', () => {
      const { template, stack } = synthesize(CONFIGS.domainInVpc);

      const sg = stack.searchDomain!.securityGroup!;
      const resource = template.toJSON().Resources[stack.getLogicalId(sg.node.defaultChild as never)];
      expect(resource).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    });

    it('scopes the ingest paths to a custom index prefix', () => {
      const { template } = synthesize({ ...CONFIGS.both, indexPrefix: 'flows' });

      const policy = domainOf(template).AccessPolicies as { Statement: Statement[] };
      const ingest = policy.Statement.find((s) => s.Sid === 'IngestFunction');
      expect([ingest?.Resource].flat().map(flattenJoin)).toEqual(ingestPaths('arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/flowlogs', 'flows'));
    });

    it('places the domain in the configured subnets with a security group open to the ingest and report functions only', () => {
      const { template, stack } = synthesize(CONFIGS.domainInVpc);

      expect(domainOf(template)).toMatchObject({ VPCOptions: { SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] } });
      // The Dashboards setup function's own rule is asserted in dashboards.test.ts.
      const ingressRules = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')).filter(([id]) => !id.includes('DashboardsSetup')).map(([, r]) => r);
      const from = (sg: { node: { defaultChild?: unknown } }) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(sg.node.defaultChild as never), 'GroupId'] } });
      expect(ingressRules.map((r) => r.Properties)).toEqual([expect.objectContaining(from(stack.ingest!.securityGroup!)), expect.objectContaining(from(stack.report!.securityGroup!))]);
      template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: VPC_ID, SecurityGroupIngress: Match.absent() });
    });

    it('derives its default name from the stack name', () => {
      expect(defaultDomainName('VpcFlowLogs')).toBe('vpcflowlogs');
      expect(defaultDomainName('Prod_Flow.Logs')).toBe('prod-flow-logs');
      expect(defaultDomainName('1st')).toBe('flowlogs-1st');
      expect(defaultDomainName('AVeryLongStackNameForTheFlowLogsPipeline')).toHaveLength(28);
    });
  });

  describe('an existing domain', () => {
    it('creates no domain and points the ingest function at the endpoint', () => {
      const { template } = synthesize(CONFIGS.existingDomain);

      template.resourceCountIs('AWS::OpenSearchService::Domain', 0);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ OPENSEARCH_ENDPOINT: 'https://search-flowlogs-abcdefghijklmnop.eu-west-1.es.amazonaws.com' }) },
      });
    });

    it('grants the ingest HTTP methods on the domain named by the endpoint, in its region', () => {
      const { template } = synthesize(CONFIGS.existingDomain);

      // The ingest grant (the one with _bulk); the report function's search grant is asserted in report-function.test.ts, the Dashboards import in dashboards.test.ts.
      const es = allStatements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('es:')) && JSON.stringify(s.Resource).includes('_bulk'));
      expect(es).toHaveLength(1);
      expect(actionsOf(es[0]!)).toEqual(INGEST_HTTP_ACTIONS);
      expect([es[0]?.Resource].flat().map(flattenJoin)).toEqual(ingestPaths('arn:<AWS::Partition>:es:eu-west-1:<AWS::AccountId>:domain/flowlogs', 'vpcflowlogs'));
    });

    it('uses the given domain ARN for a custom endpoint', () => {
      const { template } = synthesize({ ...CONFIGS.existingDomain, opensearchEndpoint: 'https://search.example.com', opensearchDomainArn: 'arn:aws:es:eu-west-1:123456789012:domain/logs' });

      const es = allStatements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('es:')) && !JSON.stringify(s.Resource).includes('_dashboards'));
      expect(es.map((s) => s.Resource)).toEqual([
        ingestPaths('arn:aws:es:eu-west-1:123456789012:domain/logs', 'vpcflowlogs'),
        ['arn:aws:es:eu-west-1:123456789012:domain/logs/vpcflowlogs-*', 'arn:aws:es:eu-west-1:123456789012:domain/logs/vpcflowlogs-*/*'],
      ]);
    });
  });
});

describe('SearchDomain in a bare stack', () => {
  function build(logRetentionDays?: number) {
    const app = new App();
    const stack = new Stack(app, 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
    new SearchDomain(stack, 'Search', { domain: resolveConfig({ vpcIds: [VPC_ID] }).domain, ...(logRetentionDays !== undefined ? { logRetentionDays } : {}) });
    return Template.fromStack(stack);
  }

  it('exports the defaults of a new domain and the limits of the service', () => {
    expect(SEARCH_DOMAIN_DEFAULTS).toEqual({
      engineVersion: 'OpenSearch_2.19',
      instanceType: 't3.small.search',
      instanceCount: 2,
      zoneAwareness: false,
      availabilityZoneCount: 2,
      dedicatedMasterCount: 0,
      dedicatedMasterType: 'm7g.large.search',
      logRetentionDays: 30,
    });
    expect(SEARCH_DOMAIN_RANGES).toEqual({ instanceCount: { min: 1, max: 80 }, volumeSizeGiBMax: 16384, availabilityZoneCounts: [2, 3], dedicatedMasterCounts: [0, 3, 5] });
  });

  it('keeps its slow and error logs 30 days by default, in three retained log groups', () => {
    const template = build();

    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'RetainExceptOnCreate' });
    template.hasResourceProperties('AWS::OpenSearchService::Domain', { EngineVersion: 'OpenSearch_2.19', ClusterConfig: Match.objectLike({ InstanceType: 't3.small.search', InstanceCount: 2 }) });
  });

  it('refuses a log retention CloudWatch Logs does not offer', () => {
    expect(() => build(45)).toThrow(ConfigError);
    expect(() => build(45)).toThrow(/^SearchDomain: logRetentionDays must be one of 1, 3, .*, got 45$/);
  });
});
