/**
 * The one base of every function the stack creates (ingest, partitions,
 * reports, the Dashboards setup custom resource): the runtime, the
 * architecture, how esbuild bundles them, their log group and its retention,
 * their role's trust, and the Powertools environment. One place, so the
 * functions cannot drift.
 *
 * A function is made in three steps, each in the caller's scope so that the
 * construct paths (and so the CloudFormation logical ids) stay where they were:
 * {@link functionLogGroup}, {@link functionRole} (unless the caller brings a
 * role), then {@link FlowLogsFunction}.
 *
 * Defaults:
 * - Node.js 24 on arm64, an ESM bundle with the AWS SDK inside;
 * - the log group keeps entries {@link DEFAULT_LOG_RETENTION_DAYS} days and goes with the stack;
 * - `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_METRICS_NAMESPACE` from lambdas/shared/metric-names.ts.
 */
import { fileURLToPath } from 'node:url';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type ILogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { METRICS_NAMESPACE, type Service } from '../../lambdas/shared/metric-names.js';
import { checkOneOf } from './prop-checks.js';

/** The current Node.js runtime (cdk-nag's latest-runtime rule checks it). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** Graviton: cheaper per GB-second for this CPU-bound work. */
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

// CJS dependencies (the OpenSearch client, parts of the SDK) call require(); give the ESM bundle one.
const ESM_REQUIRE_BANNER = "import { createRequire as __flowLogsCreateRequire } from 'node:module'; const require = __flowLogsCreateRequire(import.meta.url);";

/** esbuild options of every function; {@link FlowLogsFunctionProps.afterBundling} adds a function's own step. */
export const LAMBDA_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  // Bundle the AWS SDK too: the versions the tests ran with, not the runtime's.
  externalModules: [],
  minify: true,
  // Error classes name themselves from new.target.name: keep it readable in logs.
  keepNames: true,
} as const satisfies BundlingOptions;

/** The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy's `retentionInDays`). */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Days a function's log group keeps entries unless its construct is told otherwise. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/** The Powertools environment variables the base sets (read by Logger and Metrics when the code names no service). */
export const POWERTOOLS_ENV = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCK_FILE = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/**
 * The service principal a function's execution role trusts, limited to this
 * account (`aws:SourceAccount`) against the confused deputy. The function's
 * own ARN cannot be named here: the function is created after its role.
 */
export function lambdaPrincipal(scope: IConstruct): ServicePrincipal {
  return new ServicePrincipal('lambda.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } } });
}

/**
 * A function's own log group, deleted with the stack (it holds only the
 * function's logs). `owner` names the construct in the error for a retention
 * CloudWatch Logs does not accept.
 * @param retentionDays - one of {@link LOG_RETENTION_DAYS}; @default {@link DEFAULT_LOG_RETENTION_DAYS}
 */
export function functionLogGroup(scope: Construct, id: string, owner: string, retentionDays: number = DEFAULT_LOG_RETENTION_DAYS): LogGroup {
  checkOneOf(owner, 'logRetentionDays', retentionDays, LOG_RETENTION_DAYS);
  return new LogGroup(scope, id, { retention: retentionDays as RetentionDays, removalPolicy: RemovalPolicy.DESTROY });
}

/**
 * A function's own execution role, allowed to write to `logGroup` only. Our
 * own role: CDK's default would attach the AWSLambdaBasicExecutionRole managed
 * policy, which can write to every log group.
 */
export function functionRole(scope: Construct, id: string, description: string, logGroup: ILogGroup): Role {
  const role = new Role(scope, id, { assumedBy: lambdaPrincipal(scope), description });
  logGroup.grantWrite(role);
  return role;
}

/** What a function sets itself; the base fixes runtime, architecture, bundling, handler and project root. */
export interface FlowLogsFunctionProps extends Omit<NodejsFunctionProps, 'runtime' | 'architecture' | 'bundling' | 'handler' | 'projectRoot' | 'depsLockFilePath' | 'entry' | 'role' | 'logGroup'> {
  /** The handler's source file; it exports `handler`. */
  readonly entry: string;
  /** The Powertools service: its logs' `service` and its metrics' `service` dimension. */
  readonly service: Service;
  /** The execution role ({@link functionRole}, or the caller's own). */
  readonly role: IRole;
  /** The function's log group ({@link functionLogGroup}). */
  readonly logGroup: ILogGroup;
  /**
   * Shell commands run after esbuild, given the bundle's folder (the ingest function's GeoIP build).
   * @default - none
   */
  readonly afterBundling?: (outputDir: string) => string[];
}

/** A Node.js function bundled by esbuild with the project's one set of function defaults. */
export class FlowLogsFunction extends NodejsFunction {
  /** The Powertools service name the function runs as. */
  readonly service: Service;

  constructor(scope: Construct, id: string, props: FlowLogsFunctionProps) {
    const { service, afterBundling, environment, ...rest } = props;
    super(scope, id, {
      ...rest,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      environment: { ...environment, [POWERTOOLS_ENV.serviceName]: service, [POWERTOOLS_ENV.metricsNamespace]: METRICS_NAMESPACE },
      bundling: afterBundling
        ? {
            ...LAMBDA_BUNDLING,
            commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling: (_inputDir: string, outputDir: string) => afterBundling(outputDir) },
          }
        : LAMBDA_BUNDLING,
    });
    this.service = service;
  }
}
