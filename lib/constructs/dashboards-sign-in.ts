/**
 * Signing in to OpenSearch Dashboards with Amazon Cognito
 * (`dashboardsSignIn: 'cognito'`): a user pool without self sign-up, its
 * hosted sign-in domain, an identity pool, the role signed-in users get, the
 * service role OpenSearch Service uses to configure Cognito, the first user,
 * and the IAM master role of fine-grained access control.
 *
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/cognito-auth.html
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/cross-service-confused-deputy-prevention.html
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnIdentityPool,
  CfnIdentityPoolRoleAttachment,
  CfnUserPoolUser,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { FederatedPrincipal, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CognitoOptions } from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { lambdaPrincipal } from './lambda-defaults.js';
import { acknowledge } from './nag.js';
import type { SearchDomain } from './search-domain.js';

/** The managed policy OpenSearch Service needs to set up the user pool's app client and the identity pool's provider. */
export const COGNITO_ACCESS_POLICY = 'AmazonOpenSearchServiceCognitoAccess';

export interface DashboardsSignInProps {
  /** Address of the first user, invited by e-mail with a temporary password. */
  readonly adminEmail: string;
  /** ARN of the domain that will use the pools: the only one the service role may be used for. */
  readonly domainArn: string;
  /** Name of that domain. */
  readonly domainName: string;
  /**
   * Prefix of the hosted sign-in domain `<prefix>.auth.<region>.amazoncognito.com`.
   * @default - `<domain name>-<account id>`
   */
  readonly domainPrefix?: string;
}

/** The Cognito side of Dashboards sign-in, and the domain's master role. */
export class DashboardsSignIn extends Construct {
  readonly userPool: UserPool;
  readonly userPoolDomain: UserPoolDomain;
  readonly identityPool: CfnIdentityPool;
  /** The role every signed-in user gets (mapped inside OpenSearch to readers and Dashboards users). */
  readonly authenticatedRole: Role;
  /** The role OpenSearch Service assumes to configure the pools. */
  readonly cognitoAccessRole: Role;
  /**
   * The IAM master user of fine-grained access control: the Dashboards setup
   * function runs as it, to write the role mappings and import the saved objects.
   */
  readonly masterRole: Role;
  /** The domain's Cognito settings. */
  readonly cognitoOptions: CognitoOptions;
  /** The hosted sign-in page's host name. */
  readonly signInDomain: string;

  constructor(scope: Construct, id: string, props: DashboardsSignInProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.userPool = new UserPool(this, 'UserPool', {
      // People are invited by an administrator; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: Mfa.REQUIRED,
      // An authenticator app: SMS would need an SMS role and a spending limit.
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(7) },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised credentials, risky sign-ins) needs the Plus plan.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Your OpenSearch Dashboards account for VPC Flow Logs',
        emailBody: `You have been invited to the VPC Flow Logs dashboards. Sign in with {username} and the temporary password {####}, then choose a new password and set up an authenticator app. The sign-in address is the stack output DashboardsUrl.`,
      },
      // Kept like the domain, whose Cognito settings point at it; removed with it when the first
      // deploy rolls back, so a retry does not meet a leftover pool (RetainExceptOnCreate).
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    this.userPoolDomain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `${props.domainName}-${stack.account}` },
    });
    this.signInDomain = `${this.userPoolDomain.domainName}.auth.${stack.region}.amazoncognito.com`;

    // No identity providers here: OpenSearch Service adds its own app client when it configures the domain.
    this.identityPool = new CfnIdentityPool(this, 'IdentityPool', { allowUnauthenticatedIdentities: false });

    this.authenticatedRole = new Role(this, 'AuthenticatedRole', {
      description: 'Dashboards users signed in through Cognito',
      assumedBy: new FederatedPrincipal(
        'cognito-identity.amazonaws.com',
        {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.ref },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
    });
    new CfnIdentityPoolRoleAttachment(this, 'IdentityPoolRoles', {
      identityPoolId: this.identityPool.ref,
      roles: { authenticated: this.authenticatedRole.roleArn },
    });

    this.cognitoAccessRole = new Role(this, 'CognitoAccessRole', {
      description: 'Lets Amazon OpenSearch Service configure the Dashboards user pool and identity pool',
      assumedBy: new ServicePrincipal('es.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': props.domainArn } },
      }),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName(COGNITO_ACCESS_POLICY)],
    });
    acknowledge(
      this.cognitoAccessRole,
      `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${COGNITO_ACCESS_POLICY}]`,
      'The AWS-managed policy the OpenSearch Service documentation requires for Cognito authentication; the role trusts only this domain (aws:SourceArn) in this account.',
    );

    this.masterRole = new Role(this, 'MasterRole', {
      description: 'Fine-grained access control master user; the Dashboards setup function runs as it',
      assumedBy: lambdaPrincipal(this),
    });

    new CfnUserPoolUser(this, 'AdminUser', {
      userPoolId: this.userPool.userPoolId,
      username: props.adminEmail,
      userAttributes: [
        { name: 'email', value: props.adminEmail },
        { name: 'email_verified', value: 'true' },
      ],
      desiredDeliveryMediums: ['EMAIL'],
    });

    this.cognitoOptions = { userPoolId: this.userPool.userPoolId, identityPoolId: this.identityPool.ref, role: this.cognitoAccessRole };
  }

  /**
   * Lets signed-in users through the domain's access policy (what they may do
   * inside is decided by fine-grained access control and the role mappings).
   */
  allowUsers(searchDomain: SearchDomain): void {
    searchDomain.allowInAccessPolicy(
      new PolicyStatement({ sid: 'DashboardsUsers', principals: [this.authenticatedRole], actions: ['es:ESHttp*'], resources: [`${searchDomain.domainArn}/*`] }),
    );
  }
}
