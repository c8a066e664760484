import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role } from 'aws-cdk-lib/aws-iam';
import { FlowLogsStack } from '../../lib/flow-logs-stack.js';
import { savedObjectsNdjson } from '../../src/reports/dashboards.js';
import { DASHBOARDS_SETUP_DEFAULTS, DashboardsSetup } from '../../lib/constructs/dashboards.js';
import { lambdaPrincipal } from '../../lib/constructs/lambda-defaults.js';
import { SearchDomain } from '../../lib/constructs/search-domain.js';
import { ConfigError } from '../../src/errors.js';
import { CONFIGS, actionsOf, allStatements, flattenJoin, nagFindings, resourcesOf, synthesize, type Statement } from '../helpers/flow-logs-stack.js';

type Synthesized = ReturnType<typeof synthesize>['template'];

function only(template: Synthesized, type: string): Record<string, unknown> {
  const found = Object.values(resourcesOf(template, type));
  expect(found).toHaveLength(1);
  return found[0]?.Properties ?? {};
}

function domainStatements(template: Synthesized): Statement[] {
  return (only(template, 'AWS::OpenSearchService::Domain').AccessPolicies as { Statement: Statement[] }).Statement;
}

/** es: statements in IAM policies (not the domain's access policy), flattened. */
function identityEsStatements(template: Synthesized): { actions: string[]; resources: string[] }[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((s) => actionsOf(s).some((a) => a.startsWith('es:')))
    .map((s) => ({ actions: actionsOf(s), resources: (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(flattenJoin) }));
}

const DOMAIN_ARN = 'arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/flowlogs';

describe('DashboardsSetup', () => {
  // The first synth of a process loads the whole CDK: under a hook's timeout, not a test's.
  beforeAll(() => void synthesize(CONFIGS.both), 240_000);

  it('imports the saved objects of the stack\'s index prefix into the created domain\'s Dashboards, with a hash of the NDJSON', () => {
    const { template, stack } = synthesize(CONFIGS.both);

    const props = only(template, 'Custom::DashboardsSavedObjects');
    const functionId = stack.getLogicalId(stack.dashboards!.function.node.defaultChild as never);
    expect(props).toEqual({
      ServiceToken: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Endpoint: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^SearchDomain/), 'DomainEndpoint'] }]] },
      Region: { Ref: 'AWS::Region' },
      IndexPrefix: 'vpcflowlogs',
      DashboardsPath: '/_dashboards',
      ContentHash: createHash('sha256').update(savedObjectsNdjson({ indexPrefix: 'vpcflowlogs' })).digest('hex'),
    });
    template.resourceCountIs('Custom::OpenSearchRoleMappings', 0);
  });

  it('changes the content hash with the index prefix, so a different catalog output updates the resource', () => {
    const a = only(synthesize(CONFIGS.both).template, 'Custom::DashboardsSavedObjects');
    const b = only(synthesize({ ...CONFIGS.both, indexPrefix: 'flows' }).template, 'Custom::DashboardsSavedObjects');

    expect(b.IndexPrefix).toBe('flows');
    expect(b.ContentHash).toBe(createHash('sha256').update(savedObjectsNdjson({ indexPrefix: 'flows' })).digest('hex'));
    expect(b.ContentHash).not.toBe(a.ContentHash);
  });

  it('may only POST to the import route of this domain, in its IAM policy and in the domain\'s access policy', () => {
    const { template, stack } = synthesize(CONFIGS.both);

    const setupRoleId = stack.getLogicalId(stack.dashboards!.role.node.defaultChild as never);
    const setupPolicy = Object.entries(resourcesOf(template, 'AWS::IAM::Policy')).find(([, p]) => JSON.stringify(p.Properties?.Roles).includes(setupRoleId));
    const esStatements = (setupPolicy?.[1].Properties?.PolicyDocument as { Statement: Statement[] }).Statement.filter((s) => actionsOf(s).some((a) => a.startsWith('es:')));
    expect(esStatements.map((s) => ({ actions: actionsOf(s), resource: flattenJoin(s.Resource) }))).toEqual([
      { actions: ['es:ESHttpPost'], resource: `${DOMAIN_ARN}/_dashboards/api/saved_objects/_import` },
    ]);
    const access = domainStatements(template).find((s) => s.Sid === 'DashboardsSetupDashboardsImport');
    expect(access?.Principal).toEqual({ AWS: { 'Fn::GetAtt': [setupRoleId, 'Arn'] } });
    expect(actionsOf(access!)).toEqual(['es:ESHttpPost']);
    expect(flattenJoin(access?.Resource)).toBe(`${DOMAIN_ARN}/_dashboards/api/saved_objects/_import`);
  });

  it('imports into an existing endpoint in its region, allowed by the role\'s IAM policy', () => {
    const { template } = synthesize(CONFIGS.existingDomain);

    expect(only(template, 'Custom::DashboardsSavedObjects')).toMatchObject({
      Endpoint: 'https://search-flowlogs-abcdefghijklmnop.eu-west-1.es.amazonaws.com',
      Region: 'eu-west-1',
      DashboardsPath: '/_dashboards',
    });
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.entries(outputs).find(([id]) => id.startsWith('DashboardsSetupRoleArn'))?.[1].Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DashboardsSetupRole/), 'Arn'] });
    expect(identityEsStatements(template).filter((s) => s.resources.some((r) => r.includes('_dashboards')))).toEqual([
      { actions: ['es:ESHttpPost'], resources: ['arn:<AWS::Partition>:es:eu-west-1:<AWS::AccountId>:domain/flowlogs/_dashboards/api/saved_objects/_import'] },
    ]);
  });

  it('runs in the domain\'s subnets, with HTTPS to the domain opened for it alone', () => {
    const { template, stack } = synthesize(CONFIGS.domainInVpc);

    const fn = resourcesOf(template, 'AWS::Lambda::Function')[stack.getLogicalId(stack.dashboards!.function.node.defaultChild as never)];
    expect(fn?.Properties?.VpcConfig).toMatchObject({ SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] });
    const rules = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')).filter(([id]) => id.includes('DashboardsSetup'));
    expect(rules).toHaveLength(1);
    expect(rules[0]?.[1].Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^DashboardsSetupSecurityGroup/), 'GroupId'] } });
  });

  it('is left out with dashboards: false', () => {
    const { template } = synthesize({ ...CONFIGS.both, dashboards: false });

    template.resourceCountIs('Custom::DashboardsSavedObjects', 0);
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).filter((id) => id.startsWith('DashboardsSetup'))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('_dashboards/api');
  });

  it('leaves no cdk-nag finding in the configurations that add it', () => {
    expect(nagFindings(CONFIGS.both)).toEqual([]);
    expect(nagFindings(CONFIGS.existingDomain)).toEqual([]);
    expect(nagFindings(CONFIGS.domainInVpc)).toEqual([]);
  });

  describe('with fine-grained access control (dashboardsSignIn: cognito)', () => {
    it('runs as the domain\'s IAM master role', () => {
      const { stack } = synthesize(CONFIGS.cognitoSignIn);

      expect(stack.dashboards!.role).toBe(stack.dashboardsSignIn!.masterRole);
    });

    it('maps the ingest role to flowlogs_ingest and the Cognito users to the readers and Dashboards users, before the import', () => {
      const { template, stack } = synthesize(CONFIGS.cognitoSignIn);

      const ingestRole = { 'Fn::GetAtt': [stack.getLogicalId(stack.ingest!.role.node.defaultChild as never), 'Arn'] };
      const usersRole = { 'Fn::GetAtt': [stack.getLogicalId(stack.dashboardsSignIn!.authenticatedRole.node.defaultChild as never), 'Arn'] };
      expect(only(template, 'Custom::OpenSearchRoleMappings')).toMatchObject({
        IndexPrefix: 'vpcflowlogs',
        IngestRoleArns: [ingestRole],
        ReaderRoleArns: [usersRole],
        DashboardsUserRoleArns: [usersRole],
      });
      const savedObjects = Object.values(template.findResources('Custom::DashboardsSavedObjects'))[0] as { DependsOn?: string[] };
      expect(savedObjects.DependsOn).toEqual([expect.stringMatching(/^DashboardsSetupRoleMappings/)]);
    });

    it('maps a reader added later (the report function\'s hook)', () => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const stack = new FlowLogsStack(app, 'WithReader', CONFIGS.cognitoSignIn);
      const reportRole = new Role(stack, 'ReportRole', { assumedBy: lambdaPrincipal(stack) });
      stack.dashboards!.mapReader(reportRole);

      const mappings = only(Template.fromStack(stack), 'Custom::OpenSearchRoleMappings');
      expect(mappings.ReaderRoleArns).toEqual([{ 'Fn::GetAtt': [stack.getLogicalId(reportRole.node.defaultChild as never), 'Arn'] }, expect.anything()]);
    });

    it('may PUT only our roles and mappings and GET only the Dashboards user mapping, besides the import', () => {
      const { template } = synthesize(CONFIGS.cognitoSignIn);

      const api = `${DOMAIN_ARN}/_plugins/_security/api`;
      // The setup function's statements: the other roles (ingest, report) never reach these paths.
      const setup = identityEsStatements(template).filter((s) => s.resources.some((r) => r.includes('/_dashboards/') || r.includes('/_plugins/_security/')));
      expect(setup).toEqual([
        { actions: ['es:ESHttpPost'], resources: [`${DOMAIN_ARN}/_dashboards/api/saved_objects/_import`] },
        {
          actions: ['es:ESHttpPut'],
          resources: [`${api}/roles/flowlogs_ingest`, `${api}/rolesmapping/flowlogs_ingest`, `${api}/roles/flowlogs_reader`, `${api}/rolesmapping/flowlogs_reader`, `${api}/rolesmapping/opensearch_dashboards_user`],
        },
        { actions: ['es:ESHttpGet'], resources: [`${api}/rolesmapping/opensearch_dashboards_user`] },
      ]);
      expect(allStatements(template).some((s) => s.Sid === 'DashboardsSetupSecurityRoles')).toBe(true);
    });

    it('still writes the role mappings with dashboards: false, without the import', () => {
      const { template } = synthesize({ ...CONFIGS.cognitoSignIn, dashboards: false });

      template.resourceCountIs('Custom::OpenSearchRoleMappings', 1);
      template.resourceCountIs('Custom::DashboardsSavedObjects', 0);
    });
  });
});

describe('DashboardsSetup in a bare stack', () => {
  function build(logRetentionDays?: number) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
    const searchDomain = new SearchDomain(stack, 'Search', { domain: { kind: 'existing', endpoint: 'search-flows-abc123.eu-west-1.es.amazonaws.com', domainArn: undefined } });
    new DashboardsSetup(stack, 'Setup', { searchDomain, ...(logRetentionDays !== undefined ? { logRetentionDays } : {}) });
    return Template.fromStack(stack);
  }

  it('exports its defaults and applies them: the saved objects of vpcflowlogs-*, its log group kept 30 days', () => {
    expect(DASHBOARDS_SETUP_DEFAULTS).toEqual({ indexPrefix: 'vpcflowlogs', savedObjects: true, logRetentionDays: 30 });
    const template = build();

    template.hasResourceProperties('Custom::DashboardsSavedObjects', { IndexPrefix: 'vpcflowlogs', Endpoint: 'https://search-flows-abc123.eu-west-1.es.amazonaws.com', Region: 'eu-west-1' });
    template.resourceCountIs('Custom::OpenSearchRoleMappings', 0);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 256, Timeout: 300, Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'dashboards' }) } });
  });

  it('refuses a log retention CloudWatch Logs does not offer', () => {
    expect(() => build(4)).toThrow(ConfigError);
    expect(() => build(4)).toThrow(/^DashboardsSetup: logRetentionDays must be one of 1, 3, 5, 7, .*, got 4$/);
  });
});
