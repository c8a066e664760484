/**
 * A deployed stack as CloudFormation and Lambda describe it, with aws-sdk-client-mock: its
 * outputs, and its Lambda functions with their environment variables, for `--stack` tests.
 */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { StackClients } from '../../cli/stack.js';

export interface MockedStack {
  /** Clients to hand to a command (any client of these classes is mocked while this lives). */
  readonly clients: StackClients;
  /** Ends the mocks. */
  restore(): void;
}

/** Mocks the stack `name`: `outputs` by key, `functions` by physical name with their environment. */
export function mockStack(name: string, stack: { outputs?: Record<string, string>; functions?: Record<string, Record<string, string>> }): MockedStack {
  const cloudFormation = mockClient(CloudFormationClient);
  const lambda = mockClient(LambdaClient);
  // CloudFormation's answer for a stack that does not exist.
  cloudFormation.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
    if (input.StackName !== name) throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), { name: 'ValidationError' });
    return {
      Stacks: [
        {
          StackName: name,
          CreationTime: new Date(0),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: Object.entries(stack.outputs ?? {}).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    };
  });
  cloudFormation.on(ListStackResourcesCommand, { StackName: name }).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: 'Bucket', PhysicalResourceId: `${name.toLowerCase()}-bucket`, ResourceType: 'AWS::S3::Bucket', LastUpdatedTimestamp: new Date(0), ResourceStatus: 'CREATE_COMPLETE' },
      ...Object.keys(stack.functions ?? {}).map((fn) => ({ LogicalResourceId: fn.replace(/\W/g, ''), PhysicalResourceId: fn, ResourceType: 'AWS::Lambda::Function', LastUpdatedTimestamp: new Date(0), ResourceStatus: 'CREATE_COMPLETE' as const })),
    ],
  });
  for (const [fn, Variables] of Object.entries(stack.functions ?? {})) {
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: fn }).resolves({ FunctionName: fn, Environment: { Variables } });
  }
  return {
    clients: { cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }), lambda: new LambdaClient({ region: 'eu-west-1' }) },
    restore: () => {
      cloudFormation.restore();
      lambda.restore();
    },
  };
}
