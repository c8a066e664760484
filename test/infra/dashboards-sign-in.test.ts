import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { CONFIGS, EXISTING_ENDPOINT, VPC_ID, actionsOf, flattenJoin, nagFindings, resourcesOf, synthesize, type Statement } from '../helpers/flow-logs-stack.js';

type Template = ReturnType<typeof synthesize>['template'];

function only(template: Template, type: string): Record<string, unknown> {
  const found = Object.values(resourcesOf(template, type));
  expect(found).toHaveLength(1);
  return found[0]?.Properties ?? {};
}

function roleProps(template: Template, idPrefix: string): Record<string, unknown> {
  const found = Object.entries(resourcesOf(template, 'AWS::IAM::Role')).filter(([id]) => id.startsWith(idPrefix));
  expect(found).toHaveLength(1);
  return found[0]?.[1].Properties ?? {};
}

const DOMAIN_ARN = 'arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/flowlogs';

describe('DashboardsSignIn (dashboardsSignIn: cognito)', () => {
  const { template, stack } = synthesize(CONFIGS.cognitoSignIn);
  const ref = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);

  it('has a user pool only an administrator adds people to, with MFA by authenticator app, a strong password policy and threat protection', () => {
    expect(only(template, 'AWS::Cognito::UserPool')).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7 } },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('keeps the user pool when the stack is deleted, like the domain that points at it, but not after a failed first deploy', () => {
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  it('has a hosted sign-in domain named after the domain and the account', () => {
    expect(only(template, 'AWS::Cognito::UserPoolDomain')).toEqual({
      Domain: { 'Fn::Join': ['', ['flowlogs-', { Ref: 'AWS::AccountId' }]] },
      UserPoolId: { Ref: ref(stack.dashboardsSignIn!.userPool) },
    });
    const custom = synthesize({ ...CONFIGS.cognitoSignIn, dashboardsDomainPrefix: 'acme-flows' }).template;
    expect(only(custom, 'AWS::Cognito::UserPoolDomain').Domain).toBe('acme-flows');
  });

  it('has an identity pool without unauthenticated identities, whose providers OpenSearch Service sets', () => {
    expect(only(template, 'AWS::Cognito::IdentityPool')).toEqual({ AllowUnauthenticatedIdentities: false });
    expect(only(template, 'AWS::Cognito::IdentityPoolRoleAttachment')).toEqual({
      IdentityPoolId: { Ref: stack.getLogicalId(stack.dashboardsSignIn!.identityPool) },
      Roles: { authenticated: { 'Fn::GetAtt': [ref(stack.dashboardsSignIn!.authenticatedRole), 'Arn'] } },
    });
  });

  it('gives signed-in users a role only this identity pool\'s authenticated identities can assume', () => {
    const trust = (roleProps(template, 'DashboardsSignInAuthenticatedRole').AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;

    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: stack.getLogicalId(stack.dashboardsSignIn!.identityPool) } },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
      },
    ]);
  });

  it('gives OpenSearch Service its Cognito role, usable only for this domain in this account', () => {
    const role = roleProps(template, 'DashboardsSignInCognitoAccessRole');
    const [statement] = (role.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;

    expect(statement?.Principal).toEqual({ Service: 'es.amazonaws.com' });
    expect(statement?.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(flattenJoin(statement?.Condition?.ArnLike?.['aws:SourceArn'])).toBe(DOMAIN_ARN);
    expect((role.ManagedPolicyArns as unknown[]).map(flattenJoin)).toEqual(['arn:<AWS::Partition>:iam::aws:policy/AmazonOpenSearchServiceCognitoAccess']);
  });

  it('turns on Cognito sign-in and fine-grained access control with the IAM master role', () => {
    expect(only(template, 'AWS::OpenSearchService::Domain')).toMatchObject({
      CognitoOptions: {
        Enabled: true,
        UserPoolId: { Ref: ref(stack.dashboardsSignIn!.userPool) },
        IdentityPoolId: { Ref: stack.getLogicalId(stack.dashboardsSignIn!.identityPool) },
        RoleArn: { 'Fn::GetAtt': [ref(stack.dashboardsSignIn!.cognitoAccessRole), 'Arn'] },
      },
      AdvancedSecurityOptions: {
        Enabled: true,
        InternalUserDatabaseEnabled: false,
        MasterUserOptions: { MasterUserARN: { 'Fn::GetAtt': [ref(stack.dashboardsSignIn!.masterRole), 'Arn'] } },
      },
    });
  });

  it('lets signed-in users through the domain\'s access policy (fine-grained access control decides the rest)', () => {
    const policy = only(template, 'AWS::OpenSearchService::Domain').AccessPolicies as { Statement: Statement[] };
    const users = policy.Statement.find((s) => s.Sid === 'DashboardsUsers');

    expect(users?.Principal).toEqual({ AWS: { 'Fn::GetAtt': [ref(stack.dashboardsSignIn!.authenticatedRole), 'Arn'] } });
    expect(actionsOf(users!)).toEqual(['es:ESHttp*']);
    expect(flattenJoin(users?.Resource)).toBe(`${DOMAIN_ARN}/*`);
  });

  it('invites the first user by e-mail', () => {
    expect(only(template, 'AWS::Cognito::UserPoolUser')).toEqual({
      UserPoolId: { Ref: ref(stack.dashboardsSignIn!.userPool) },
      Username: 'admin@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'admin@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
  });

  it('says in the DashboardsUrl output that it opens a sign-in page, and names the user pool', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Description: string }>;

    expect(Object.entries(outputs).find(([id]) => id.startsWith('DashboardsUrl'))?.[1].Description).toMatch(/Cognito sign-in page/);
    expect(Object.keys(outputs).some((id) => id.startsWith('DashboardsUserPoolId'))).toBe(true);
  });

  it('leaves no cdk-nag finding', () => {
    expect(nagFindings(CONFIGS.cognitoSignIn)).toEqual([]);
  });

  it('is absent with the default iam sign-in', () => {
    const iam = synthesize(CONFIGS.both).template;

    iam.resourceCountIs('AWS::Cognito::UserPool', 0);
    iam.resourceCountIs('AWS::Cognito::IdentityPool', 0);
    expect(only(iam, 'AWS::OpenSearchService::Domain').AdvancedSecurityOptions).toBeUndefined();
  });

  it('is refused for an existing domain, without an admin address, and with a prefix Cognito would refuse', () => {
    expect(() => synthesize({ vpcIds: [VPC_ID], opensearchEndpoint: EXISTING_ENDPOINT, dashboardsSignIn: 'cognito', dashboardsAdminEmail: 'a@example.com' })).toThrow(ConfigError);
    expect(() => synthesize({ vpcIds: [VPC_ID], dashboardsSignIn: 'cognito' })).toThrow(/dashboardsAdminEmail/);
    expect(() => synthesize({ ...CONFIGS.cognitoSignIn, dashboardsDomainPrefix: 'my-aws-flows' })).toThrow(/dashboardsDomainPrefix/);
    expect(() => synthesize({ vpcIds: [VPC_ID], dashboardsAdminEmail: 'a@example.com' })).toThrow(/only with dashboardsSignIn "cognito"/);
  });
});
