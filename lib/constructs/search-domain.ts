/**
 * Where the ingest function writes: an Amazon OpenSearch Service domain the
 * app creates (secure by default), or an existing one given by its endpoint.
 *
 * Domain security: https://docs.aws.amazon.com/opensearch-service/latest/developerguide/security.html
 */
import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EbsDeviceVolumeType, Port, SecurityGroup, Subnet, Vpc, type ISecurityGroup, type ISubnet, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { AccountRootPrincipal, ArnPrincipal, Effect, PolicyDocument, PolicyStatement, ServicePrincipal, type IGrantable, type IPrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnResourcePolicy, LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnDomain, Domain, EngineVersion, TLSSecurityPolicy, type AdvancedSecurityOptions, type CognitoOptions, type IDomain } from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { indexLayout } from '../../src/ingest/index-template.js';
import type { ExistingDomainConfig, NewDomainConfig, VpcPlacementConfig } from '../config.js';
import { AWS_DOMAIN_ENDPOINT } from '../domain-endpoint.js';
import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from './lambda-defaults.js';
import { acknowledge } from './nag.js';
import { checkOneOf } from './prop-checks.js';


/** Defaults of a domain the app creates (`NewDomainConfig`, filled in by lib/config.ts) and of {@link SearchDomainProps}. */
export const SEARCH_DOMAIN_DEFAULTS = {
  engineVersion: 'OpenSearch_2.19',
  instanceType: 't3.small.search',
  /** Two lets every index keep a replica, so the cluster is green. */
  instanceCount: 2,
  zoneAwareness: false,
  availabilityZoneCount: 2,
  dedicatedMasterCount: 0,
  dedicatedMasterType: 'm7g.large.search',
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
} as const;

/** What OpenSearch Service allows: data nodes per domain, gp3 volume per node, Availability Zones, dedicated masters. */
export const SEARCH_DOMAIN_RANGES = {
  instanceCount: { min: 1, max: 80 },
  /** The floor is the volume the expected records need (lib/domain-sizing.ts). */
  volumeSizeGiBMax: 16384,
  availabilityZoneCounts: [2, 3] as readonly number[],
  dedicatedMasterCounts: [0, 3, 5] as readonly number[],
} as const;

/**
 * The HTTP methods the ingest function uses: GET/HEAD to check the index
 * template and ISM policy, PUT to create them, POST for `_bulk`.
 */
export const INGEST_HTTP_ACTIONS: readonly string[] = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPut', 'es:ESHttpPost'];
/** HTTP methods of the report function: `_search` is a POST (GET with a body for some clients); nothing writes. */
export const SEARCH_HTTP_ACTIONS: readonly string[] = ['es:ESHttpGet', 'es:ESHttpPost'];

export interface SearchDomainProps {
  /** A domain to create, or an existing one. */
  readonly domain: NewDomainConfig | ExistingDomainConfig;
  /** VPC placement of the domain (new) and of its clients. @default - public endpoint */
  readonly vpcPlacement?: VpcPlacementConfig;
  /**
   * Days the domain's own log groups (slow logs, error logs) keep entries (a value CloudWatch Logs accepts).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /** Amazon Cognito sign-in for Dashboards, on a domain the app creates (see DashboardsSignIn). @default - IAM only */
  readonly cognitoDashboardsAuth?: CognitoOptions;
  /** Fine-grained access control, on a domain the app creates. @default - off */
  readonly fineGrainedAccessControl?: AdvancedSecurityOptions;
}

/**
 * The paths the ingest function calls on the domain, as IAM resources: `_bulk`,
 * its component and index templates, its ISM policy, and its daily indices.
 * Names come from {@link indexLayout}, the function's own source of them.
 */
export function ingestResources(domainArn: string, indexPrefix: string): string[] {
  const layout = indexLayout(indexPrefix, 1);
  return [
    `${domainArn}/_bulk`,
    `${domainArn}/_component_template/${layout.componentName}`,
    `${domainArn}/_index_template/${layout.templateName}`,
    `${domainArn}/_plugins/_ism/policies/${layout.policyName}`,
    `${domainArn}/${indexPrefix}-*`,
  ];
}

/** The imported VPC and subnets that the domain and the ingest function share. */
export interface VpcPlacement {
  readonly vpc: IVpc;
  readonly subnets: readonly ISubnet[];
}

/** The stack name as a domain name: 3 to 28 of a-z, 0-9, hyphen, starting with a letter. */
export function defaultDomainName(stackName: string): string {
  let name = stackName.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (!/^[a-z]/.test(name)) name = `flowlogs-${name}`;
  name = name.slice(0, 28).replace(/-+$/, '');
  return name.length >= 3 ? name : `${name}-flowlogs`.slice(0, 28);
}

/**
 * The ARN of the domain the app creates, known before the domain exists (the
 * domain's access policy and the Cognito service role's trust name it).
 */
export function newDomainArn(stack: Stack, config: NewDomainConfig): string {
  return stack.formatArn({ service: 'es', resource: 'domain', resourceName: config.domainName ?? defaultDomainName(stack.stackName) });
}

/** An OpenSearch domain plus what its clients need: endpoint, ARN, network path, grants. */
export class SearchDomain extends Construct {
  /** The domain, for metrics. */
  readonly domain: IDomain;
  /** Host name of the endpoint, without scheme. */
  readonly endpoint: string;
  /** The domain's ARN. */
  readonly domainArn: string;
  /** The domain the app created, if it did. */
  readonly createdDomain?: Domain;
  /** EBS volume per data node, GiB, when the app created the domain. */
  readonly volumeSizeGiB?: number;
  /** Data node count, when the app created the domain. */
  readonly instanceCount?: number;
  /** The security group of a domain the app created in a VPC. */
  readonly securityGroup?: SecurityGroup;
  /** VPC and subnets that clients of the domain are placed in. */
  readonly vpcPlacement?: VpcPlacement;

  /** The access policy of a domain the app created. */
  private readonly accessPolicy = new PolicyDocument();

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.vpcPlacement) {
      const { vpcId, subnetIds } = props.vpcPlacement;
      // Imported by id, no lookup. The AZ names are placeholders: CDK wants one
      // per subnet to count AZs, CloudFormation never sees them, and the config
      // already checked one subnet per AZ.
      this.vpcPlacement = {
        vpc: Vpc.fromVpcAttributes(this, 'Vpc', { vpcId, availabilityZones: subnetIds.map((_, i) => `placeholder-az-${i}`) }),
        subnets: subnetIds.map((subnetId, i) => Subnet.fromSubnetAttributes(this, `Subnet${i}`, { subnetId, availabilityZone: `placeholder-az-${i}` })),
      };
    }

    const config = props.domain;
    if (config.kind === 'existing') {
      const match = AWS_DOMAIN_ENDPOINT.exec(config.endpoint);
      const domainArn =
        config.domainArn ??
        stack.formatArn({ service: 'es', region: match?.[2] ?? stack.region, resource: 'domain', resourceName: match?.[1] ?? 'unknown' });
      this.domain = Domain.fromDomainAttributes(this, 'Domain', { domainArn, domainEndpoint: `https://${config.endpoint}` });
      this.endpoint = config.endpoint;
      this.domainArn = domainArn;
      return;
    }

    const retention = checkOneOf('SearchDomain', 'logRetentionDays', props.logRetentionDays ?? SEARCH_DOMAIN_DEFAULTS.logRetentionDays, LOG_RETENTION_DAYS) as RetentionDays;
    const domainName = config.domainName ?? defaultDomainName(stack.stackName);
    // Written out rather than taken from the domain: the domain's own access policy cannot reference its attributes.
    const domainArn = newDomainArn(stack, config);
    // Kept with the domain when the stack is deleted; deleted with it when its
    // creation is rolled back, so a retry does not collide with a leftover.
    const slowSearchLogGroup = new LogGroup(this, 'SlowSearchLogs', { retention, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    const slowIndexLogGroup = new LogGroup(this, 'SlowIndexLogs', { retention, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    const appLogGroup = new LogGroup(this, 'ErrorLogs', { retention, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    // Our own resource policy instead of CDK's custom resource: no extra Lambda, and it carries source conditions.
    const logsPolicy = new CfnResourcePolicy(this, 'LogsResourcePolicy', {
      policyName: Names.uniqueResourceName(this, { maxLength: 255 }),
      policyDocument: stack.toJsonString(
        new PolicyDocument({
          statements: [
            new PolicyStatement({
              principals: [new ServicePrincipal('es.amazonaws.com')],
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [slowSearchLogGroup.logGroupArn, slowIndexLogGroup.logGroupArn, appLogGroup.logGroupArn],
              conditions: {
                StringEquals: { 'aws:SourceAccount': stack.account },
                ArnLike: { 'aws:SourceArn': domainArn },
              },
            }),
          ],
        }),
      ),
    });

    if (this.vpcPlacement) {
      this.securityGroup = new SecurityGroup(this, 'SecurityGroup', { vpc: this.vpcPlacement.vpc, description: 'OpenSearch domain: HTTPS from the ingest function only', allowAllOutbound: false });
      // The kept domain keeps its network interfaces in this group: deleting it would fail (DependencyViolation).
      this.securityGroup.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    }
    const securityGroups: ISecurityGroup[] | undefined = this.securityGroup ? [this.securityGroup] : undefined;
    const [engine, version] = config.engineVersion.split('_') as [string, string];
    const domain = new Domain(this, 'Domain', {
      domainName,
      version: engine === 'OpenSearch' ? EngineVersion.openSearch(version) : EngineVersion.elasticsearch(version),
      capacity: {
        dataNodes: config.instanceCount,
        dataNodeInstanceType: config.instanceType,
        ...(config.dedicatedMasterCount > 0 ? { masterNodes: config.dedicatedMasterCount, masterNodeInstanceType: config.dedicatedMasterType } : {}),
        multiAzWithStandbyEnabled: false,
      },
      ebs: { volumeSize: config.volumeSizeGiB, volumeType: EbsDeviceVolumeType.GP3 },
      zoneAwareness: config.zoneAwareness ? { enabled: true, availabilityZoneCount: config.availabilityZoneCount } : { enabled: false },
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: TLSSecurityPolicy.TLS_1_2_PFS,
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup,
        slowIndexLogEnabled: true,
        slowIndexLogGroup,
        appLogEnabled: true,
        appLogGroup,
      },
      suppressLogsResourcePolicy: true,
      enableVersionUpgrade: true,
      offPeakWindowEnabled: true,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      ...(props.cognitoDashboardsAuth ? { cognitoDashboardsAuth: props.cognitoDashboardsAuth } : {}),
      ...(props.fineGrainedAccessControl ? { fineGrainedAccessControl: props.fineGrainedAccessControl } : {}),
      ...(this.vpcPlacement && securityGroups ? { vpc: this.vpcPlacement.vpc, vpcSubnets: [{ subnets: [...this.vpcPlacement.subnets] }], securityGroups } : {}),
    });
    domain.node.addDependency(logsPolicy);

    // IAM-only access: the policy names its principals, never "*". Set on the
    // L1 (not addAccessPolicies) to avoid CDK's custom-resource Lambda.
    const admins: IPrincipal[] = config.adminPrincipalArns.length > 0 ? config.adminPrincipalArns.map((arn) => new ArnPrincipal(arn)) : [new AccountRootPrincipal()];
    this.accessPolicy.addStatements(
      new PolicyStatement({
        sid: 'Administrators',
        principals: admins,
        actions: ['es:ESHttp*'],
        resources: [`${domainArn}/*`],
      }),
    );
    // A PolicyDocument resolves when the template is written, so grantIngest can still add to it.
    (domain.node.defaultChild as CfnDomain).accessPolicies = this.accessPolicy;

    this.domain = domain;
    this.createdDomain = domain;
    this.endpoint = domain.domainEndpoint;
    this.domainArn = domainArn;
    this.volumeSizeGiB = config.volumeSizeGiB;
    this.instanceCount = config.instanceCount;

    const reasons: { id: string; reason: string }[] = [
      { id: 'AwsSolutions-OS3', reason: 'Access is by IAM identity: the access policy names the ingest role and the administrators; the ingest function has no fixed IP address to allow-list.' },
    ];
    if (!this.vpcPlacement) {
      reasons.push({ id: 'AwsSolutions-OS1', reason: 'Public endpoint chosen by configuration (domainVpcId unset); every request must be SigV4-signed by a principal the access policy names.' });
    }
    if (config.dedicatedMasterCount === 0) {
      reasons.push({ id: 'AwsSolutions-OS4', reason: 'Small cluster by configuration (domainDedicatedMasterCount 0); set it to 3 for production-size clusters.' });
    }
    if (!config.zoneAwareness) {
      reasons.push({ id: 'AwsSolutions-OS7', reason: 'Single-AZ by configuration (domainZoneAwareness false); the flow logs stay in CloudWatch Logs and S3 if the AZ fails.' });
    }
    for (const { id, reason } of reasons) acknowledge(domain, id, reason);
  }

  /**
   * Lets `grantee` write documents, index templates and ISM policies: the
   * ingest HTTP methods on this domain's paths, in its IAM policy and, for a
   * domain the app created, in the domain's access policy.
   */
  grantIngest(grantee: IGrantable, indexPrefix: string): void {
    const resources = ingestResources(this.domainArn, indexPrefix);
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...INGEST_HTTP_ACTIONS], resources }));
    if (this.createdDomain) {
      this.accessPolicy.addStatements(new PolicyStatement({ sid: 'IngestFunction', effect: Effect.ALLOW, principals: [grantee.grantPrincipal], actions: [...INGEST_HTTP_ACTIONS], resources }));
    }
  }

  /**
   * Lets `grantee` run searches on the daily indices `<indexPrefix>-*` only
   * (`es:ESHttpPost` and `es:ESHttpGet` on their paths, `_search` included),
   * in its IAM policy and, for a domain the app created, in the access policy.
   */
  grantSearch(grantee: IGrantable, indexPrefix: string, sid = 'ReportFunction'): string[] {
    const resources = [`${this.domainArn}/${indexPrefix}-*`, `${this.domainArn}/${indexPrefix}-*/*`];
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...SEARCH_HTTP_ACTIONS], resources }));
    if (this.createdDomain) {
      this.accessPolicy.addStatements(new PolicyStatement({ sid, effect: Effect.ALLOW, principals: [grantee.grantPrincipal], actions: [...SEARCH_HTTP_ACTIONS], resources }));
    }
    return resources;
  }

  /** Adds a statement to the access policy of a domain the app created; no-op for an existing domain. */
  allowInAccessPolicy(statement: PolicyStatement): void {
    if (this.createdDomain) this.accessPolicy.addStatements(statement);
  }

  /** Opens HTTPS from `peer` to the domain, when the app created it in a VPC. */
  allowHttpsFrom(peer: ISecurityGroup): void {
    if (this.createdDomain && this.vpcPlacement) {
      this.createdDomain.connections.allowFrom(peer, Port.tcp(443), 'HTTPS from the ingest function');
    }
  }
}
