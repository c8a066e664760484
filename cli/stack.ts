/**
 * `--stack NAME`: the configuration of a deployed stack, so a command needs nothing else. The
 * stack's outputs and its functions' environment variables become the fallback values of the
 * command's options (cli/options.ts): the functions are configured with exactly the variables
 * the options fall back to (src/settings.ts), so one lookup serves every command.
 */
import { CloudFormationClient, DescribeStacksCommand, paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { UsageError } from './errors.js';

/** The clients a stack lookup needs; tests pass mocked ones. */
export interface StackClients {
  readonly cloudFormation: CloudFormationClient;
  readonly lambda: LambdaClient;
}

/**
 * Every environment variable of the stack's Lambda functions, plus its outputs under their
 * output keys. A variable two functions set differently is left out rather than guessed.
 *
 * @throws UsageError when the stack does not exist.
 */
export async function stackEnvironment(stackName: string, clients: StackClients): Promise<Record<string, string>> {
  let outputs: Record<string, string>;
  try {
    const described = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = described.Stacks?.[0];
    if (stack === undefined) throw new UsageError(`stack ${stackName} not found`);
    outputs = Object.fromEntries((stack.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [])));
  } catch (err) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist".
    if ((err as Error).name === 'ValidationError' && /does not exist/.test((err as Error).message)) {
      throw new UsageError(`stack ${stackName} not found in this account and region (${(err as Error).message})`, { cause: err });
    }
    throw err;
  }
  const functions: string[] = [];
  for await (const page of paginateListStackResources({ client: clients.cloudFormation }, { StackName: stackName })) {
    for (const r of page.StackResourceSummaries ?? []) {
      if (r.ResourceType === 'AWS::Lambda::Function' && r.PhysicalResourceId) functions.push(r.PhysicalResourceId);
    }
  }
  const env: Record<string, string> = {};
  const conflicting = new Set<string>();
  for (const name of functions) {
    const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    for (const [k, v] of Object.entries(config.Environment?.Variables ?? {})) {
      if (env[k] !== undefined && env[k] !== v) conflicting.add(k);
      env[k] = v;
    }
  }
  for (const k of conflicting) delete env[k];
  return { ...outputs, ...env };
}

/** Clients in the default region and credentials of the environment. */
export function defaultStackClients(): StackClients {
  return { cloudFormation: new CloudFormationClient({}), lambda: new LambdaClient({}) };
}
