/**
 * What both functions share: the runtime, the architecture and how esbuild
 * bundles them. One place, so the ingest and partition functions cannot drift.
 */
import { Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The current Node.js runtime (cdk-nag's latest-runtime rule checks it). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** Graviton: cheaper per GB-second for this CPU-bound work. */
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

// CJS dependencies (the OpenSearch client, parts of the SDK) call require(); give the ESM bundle one.
const ESM_REQUIRE_BANNER = "import { createRequire as __flowLogsCreateRequire } from 'node:module'; const require = __flowLogsCreateRequire(import.meta.url);";

/** esbuild options of both functions; callers add their own commandHooks. */
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

/**
 * The service principal a function's execution role trusts, limited to this
 * account (`aws:SourceAccount`) against the confused deputy. The function's
 * own ARN cannot be named here: the function is created after its role.
 */
export function lambdaPrincipal(scope: IConstruct): ServicePrincipal {
  return new ServicePrincipal('lambda.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } } });
}
