/**
 * The CDK app: reads the settings from context (cdk.json, `-c flowlogs:key=value`),
 * creates the stack, and runs cdk-nag's AwsSolutions checks over it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_PREFIX, propsFromContext } from '../lib/config.js';
import { FlowLogsStack } from '../lib/flow-logs-stack.js';
import { ConfigError } from '../src/errors.js';

const app = new App();
try {
  const stackName: unknown = app.node.tryGetContext(`${CONTEXT_PREFIX}stackName`) ?? 'VpcFlowLogs';
  if (typeof stackName !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new ConfigError(`invalid configuration: context key ${CONTEXT_PREFIX}stackName is ${JSON.stringify(stackName)}; allowed: a stack name of letters, digits and hyphens, starting with a letter`);
  }
  // Environment-agnostic (no account or region): no lookups, no credentials at synth.
  new FlowLogsStack(app, stackName, {
    ...propsFromContext(app.node.getAllContext()),
    description: 'VPC flow logs analytics: capture, OpenSearch ingest, Athena, alarms',
  });
} catch (error) {
  // A configuration mistake is the user's to fix: the message, without a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
