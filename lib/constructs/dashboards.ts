/**
 * Dashboards installed with the stack: the setup function (a Lambda-backed
 * custom resource, lambdas/dashboards/) imports the saved objects generated
 * from the report catalog on every create and update, and, with fine-grained
 * access control, writes the OpenSearch roles and their mappings. It works for
 * the domain the stack creates and for an existing endpoint.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ArnFormat, CustomResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, PolicyStatement, type IRole, type Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { savedObjectsNdjson } from '../../src/reports/dashboards.js';
import { AWS_DASHBOARDS_PATH, SAVED_OBJECTS_IMPORT_PATH } from '../../src/reports/dashboards-import.js';
import { DASHBOARDS_USER_ROLE, INGEST_ROLE, READER_ROLE, SECURITY_API_PATH } from '../../src/reports/opensearch-roles.js';
import { DASHBOARDS_SETUP, DEFAULTS } from '../../src/settings.js';
import { SERVICES } from '../../lambdas/shared/metric-names.js';
import { DEFAULT_LOG_RETENTION_DAYS, FlowLogsFunction, functionLogGroup, functionRole } from './lambda-defaults.js';
import { acknowledge } from './nag.js';
import type { SearchDomain } from './search-domain.js';

/** The setup function's source. */
export const DASHBOARDS_SETUP_ENTRY = fileURLToPath(new URL('../../lambdas/dashboards/handler.ts', import.meta.url));

/** The one HTTP call of the import: POST to the saved-objects import route, under the domain's Dashboards path. */
export const IMPORT_HTTP_PATH = `${AWS_DASHBOARDS_PATH}${SAVED_OBJECTS_IMPORT_PATH}`.slice(1);

/** Defaults of {@link DashboardsSetupProps}. */
export const DASHBOARDS_SETUP_DEFAULTS = {
  indexPrefix: DEFAULTS.indexPrefix,
  savedObjects: true,
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
} as const;

/** Roles to map inside OpenSearch when fine-grained access control is on. */
export interface RoleMappingProps {
  /** The ingest function's role: mapped to `flowlogs_ingest`. */
  readonly ingestRole: IRole;
  /** Roles that open Dashboards (the Cognito authenticated role): mapped to `flowlogs_reader` and `opensearch_dashboards_user`. */
  readonly dashboardsUserRoles: readonly IRole[];
}

export interface DashboardsSetupProps {
  /** The domain whose Dashboards receives the saved objects. */
  readonly searchDomain: SearchDomain;
  /**
   * Daily indices the saved objects' index pattern covers, `<indexPrefix>-*`.
   * @default 'vpcflowlogs'
   */
  readonly indexPrefix?: string;
  /**
   * The function's role. With fine-grained access control this is the domain's
   * IAM master role (DashboardsSignIn creates it before the domain).
   * @default - a new role
   */
  readonly role?: Role;
  /**
   * Write OpenSearch roles and mappings (fine-grained access control only).
   * @default - none: access is by the domain's IAM access policy alone
   */
  readonly roleMappings?: RoleMappingProps;
  /**
   * Import the saved objects. Off, the function only writes the role mappings (when given).
   * @default true
   */
  readonly savedObjects?: boolean;
  /**
   * Days the function's log group keeps entries (a value CloudWatch Logs accepts).
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/** The Dashboards setup function and its custom resources. */
export class DashboardsSetup extends Construct {
  readonly function: FlowLogsFunction;
  readonly role: Role;
  /** `Custom::DashboardsSavedObjects`: imports the saved objects, unless turned off. */
  readonly savedObjects?: CustomResource;
  /** `Custom::OpenSearchRoleMappings`, with fine-grained access control. */
  readonly roleMappings?: CustomResource;
  /** SHA-256 of the NDJSON imported: a change of the catalog changes it, and so updates the resource. */
  readonly contentHash: string;
  /** Resolved {@link DashboardsSetupProps.indexPrefix}. */
  readonly indexPrefix: string;

  private readonly readerRoleArns: string[] = [];
  private readonly searchDomain: SearchDomain;

  constructor(scope: Construct, id: string, props: DashboardsSetupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const indexPrefix = props.indexPrefix ?? DASHBOARDS_SETUP_DEFAULTS.indexPrefix;
    this.indexPrefix = indexPrefix;
    const domain = props.searchDomain;
    this.searchDomain = domain;
    const placement = domain.vpcPlacement;

    const logGroup = functionLogGroup(this, 'LogGroup', 'DashboardsSetup', props.logRetentionDays ?? DASHBOARDS_SETUP_DEFAULTS.logRetentionDays);
    if (props.role) {
      this.role = props.role;
      logGroup.grantWrite(this.role);
    } else {
      this.role = functionRole(this, 'Role', 'Dashboards setup function: imports the saved objects into OpenSearch Dashboards', logGroup);
    }

    // The import route, and with fine-grained access control our own roles and mappings by name: no wildcard.
    const importing = props.savedObjects ?? DASHBOARDS_SETUP_DEFAULTS.savedObjects;
    if (importing) this.grant('DashboardsImport', ['es:ESHttpPost'], [IMPORT_HTTP_PATH]);
    if (props.roleMappings) {
      const api = SECURITY_API_PATH.slice(1);
      this.grant('SecurityRoles', ['es:ESHttpPut'], [INGEST_ROLE, READER_ROLE].flatMap((r) => [`${api}/roles/${r}`, `${api}/rolesmapping/${r}`]).concat(`${api}/rolesmapping/${DASHBOARDS_USER_ROLE}`));
      this.grant('SecurityRolesRead', ['es:ESHttpGet'], [`${api}/rolesmapping/${DASHBOARDS_USER_ROLE}`]);
    }

    let securityGroup: SecurityGroup | undefined;
    if (placement) {
      this.role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
      acknowledge(
        this.role,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        'AWSLambdaVPCAccessExecutionRole is the AWS-documented minimum for a function in a VPC; its network-interface actions do not support resource-level permissions.',
      );
      securityGroup = new SecurityGroup(this, 'SecurityGroup', { vpc: placement.vpc, description: 'Dashboards setup function: HTTPS to OpenSearch', allowAllOutbound: true });
      domain.allowHttpsFrom(securityGroup);
    }

    this.function = new FlowLogsFunction(this, 'Function', {
      description: 'Imports the VPC Flow Logs saved objects into OpenSearch Dashboards (CloudFormation custom resource)',
      entry: DASHBOARDS_SETUP_ENTRY,
      service: SERVICES.dashboards,
      memorySize: 256,
      // Five attempts of at most 30 s with 5 + 10 + 20 + 40 s between them fit in 5 minutes.
      timeout: Duration.minutes(5),
      role: this.role,
      logGroup,
      ...(placement && securityGroup ? { vpc: placement.vpc, vpcSubnets: { subnets: [...placement.subnets] }, securityGroups: [securityGroup], allowPublicSubnet: false } : {}),
    });

    const ndjson = savedObjectsNdjson({ indexPrefix });
    this.contentHash = createHash('sha256').update(ndjson).digest('hex');
    const common = {
      Endpoint: `https://${domain.endpoint}`,
      Region: stack.splitArn(domain.domainArn, ArnFormat.SLASH_RESOURCE_NAME).region ?? stack.region,
      IndexPrefix: indexPrefix,
    };

    if (props.roleMappings) {
      const mappings = props.roleMappings;
      this.roleMappings = new CustomResource(this, 'RoleMappings', {
        serviceToken: this.function.functionArn,
        resourceType: DASHBOARDS_SETUP.roleMappingsType,
        properties: {
          ...common,
          IngestRoleArns: [mappings.ingestRole.roleArn],
          // Filled at synth, so a report function added after this construct is still mapped.
          ReaderRoleArns: Lazy.list({ produce: () => [...this.readerRoleArns, ...mappings.dashboardsUserRoles.map((r) => r.roleArn)] }),
          DashboardsUserRoleArns: mappings.dashboardsUserRoles.map((r) => r.roleArn),
        },
      });
    }

    if (importing) {
      this.savedObjects = new CustomResource(this, 'SavedObjects', {
        serviceToken: this.function.functionArn,
        resourceType: DASHBOARDS_SETUP.savedObjectsType,
        properties: { ...common, DashboardsPath: AWS_DASHBOARDS_PATH, ContentHash: this.contentHash },
      });
      if (this.roleMappings) this.savedObjects.node.addDependency(this.roleMappings);
    }
  }

  /**
   * Maps a role that only reads the flow-log indices (the report function) to
   * `flowlogs_reader`, when fine-grained access control is on. Callers still
   * grant its IAM HTTP permissions themselves.
   */
  mapReader(role: IRole): void {
    this.readerRoleArns.push(role.roleArn);
  }

  /** `actions` on these paths of the domain, in the role's policy and the domain's access policy. */
  private grant(sid: string, actions: readonly string[], paths: readonly string[]): void {
    const resources = paths.map((p) => `${this.searchDomain.domainArn}/${p}`);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources }));
    this.searchDomain.allowInAccessPolicy(new PolicyStatement({ sid: `DashboardsSetup${sid}`, principals: [this.role], actions: [...actions], resources }));
  }
}
