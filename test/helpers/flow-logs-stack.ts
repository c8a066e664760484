/**
 * Builders for the CDK app's infra tests: a FlowLogsStack from props, its
 * template, its cdk-nag findings. Asset bundling is skipped unless asked for,
 * so a synth takes about a second.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FlowLogsStack, type FlowLogsStackProps } from '../../lib/flow-logs-stack.js';

/** A placeholder VPC id, as in cdk.json. */
export const VPC_ID = 'vpc-0123456789abcdef0';
export const OTHER_VPC_ID = 'vpc-0fedcba9876543210';
export const EXISTING_ENDPOINT = 'https://search-flowlogs-abcdefghijklmnop.eu-west-1.es.amazonaws.com';

/** Named configurations the suites share: one per shape of the stack. */
export const CONFIGS = {
  both: { vpcIds: [VPC_ID] },
  cloudWatchLogsOnly: { vpcIds: [VPC_ID], destinations: ['cloud-watch-logs'] },
  s3Only: { vpcIds: [VPC_ID], destinations: ['s3'] },
  existingDomain: { vpcIds: [VPC_ID], opensearchEndpoint: EXISTING_ENDPOINT },
  domainInVpc: {
    vpcIds: [VPC_ID, OTHER_VPC_ID],
    domainVpcId: VPC_ID,
    domainSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    domainZoneAwareness: true,
    domainDedicatedMasterCount: 3,
    logGroupKms: true,
    alarmEmail: 'ops@example.com',
  },
  cognitoSignIn: { vpcIds: [VPC_ID], dashboardsSignIn: 'cognito', dashboardsAdminEmail: 'admin@example.com' },
  domainInVpcOneZone: { vpcIds: [VPC_ID], domainVpcId: VPC_ID, domainSubnetIds: ['subnet-0123456789abcdef0'] },
  domainInVpcThreeZones: {
    vpcIds: [VPC_ID],
    domainVpcId: VPC_ID,
    domainSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1', 'subnet-0123456789abcdef2'],
    domainZoneAwareness: true,
    domainAvailabilityZoneCount: 3,
    domainInstanceCount: 3,
    ingestFilter: 'reject',
  },
  kms: { vpcIds: [VPC_ID], logGroupKms: true, ingestReservedConcurrency: 5 },
} as const satisfies Record<string, FlowLogsStackProps>;

export interface Synthesized {
  readonly app: App;
  readonly stack: FlowLogsStack;
  readonly template: Template;
}

export interface SynthOptions {
  /** Run esbuild and the GeoIP build (slow). @default false */
  readonly bundling?: boolean;
  /** Cloud assembly folder. @default - a temporary folder */
  readonly outdir?: string;
  /** Stack id. @default 'FlowLogs' */
  readonly stackId?: string;
}

const cache = new Map<string, Synthesized>();

/**
 * A FlowLogsStack with these props in a fresh app, and its template. Results
 * without an outdir are shared between tests of a file: treat them as read-only.
 */
export function synthesize(props: FlowLogsStackProps, options: SynthOptions = {}): Synthesized {
  const key = options.outdir ? undefined : JSON.stringify([props, options]);
  const hit = key === undefined ? undefined : cache.get(key);
  if (hit) return hit;
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    context: options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new FlowLogsStack(app, options.stackId ?? 'FlowLogs', props);
  const result = { app, stack, template: Template.fromStack(stack) };
  if (key !== undefined) cache.set(key, result);
  return result;
}

/** cdk-nag AwsSolutions findings not acknowledged, as `RuleId at construct/path`. */
export function nagFindings(props: FlowLogsStackProps): string[] {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new FlowLogsStack(app, 'FlowLogs', props);
  const pack = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(pack);
  return pack.validateScope(app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

/** Every resource of `type` in the template, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties?: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties?: Record<string, unknown> }>;
}

/** An IAM policy statement as it appears in a template. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every policy statement anywhere in the template: IAM policies, trust policies, bucket, queue, topic, key and domain policies. */
export function allStatements(template: Template): Statement[] {
  const out: Statement[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (Array.isArray(o.Statement)) {
      for (const s of o.Statement) out.push(s as Statement);
    }
    Object.values(o).forEach(visit);
  };
  visit(template.toJSON().Resources);
  // Logs resource policies are JSON strings (an Fn::Join when they hold references).
  for (const r of Object.values(resourcesOf(template, 'AWS::Logs::ResourcePolicy'))) {
    visit(JSON.parse(flattenJoin(r.Properties?.PolicyDocument)));
  }
  return out;
}

/** A string, or an Fn::Join of strings and references, as one string with `<Ref>` / `<Id.Attr>` placeholders. */
export function flattenJoin(node: unknown): string {
  if (typeof node === 'string') return node;
  const o = node as Record<string, unknown>;
  const join = o['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(flattenJoin).join(join[0]);
  if (o.Ref !== undefined) return `<${String(o.Ref)}>`;
  const getAtt = o['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
  throw new Error(`cannot flatten ${JSON.stringify(node)}`);
}

/** Actions of a statement as a list. */
export function actionsOf(s: Statement): string[] {
  return s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action];
}
