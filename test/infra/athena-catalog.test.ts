import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { AthenaCatalog, type AthenaCatalogProps } from '../../lib/constructs/athena-catalog.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_FORMAT } from '../../src/format/flow-log-schema.js';

function build(extra: Partial<AthenaCatalogProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Flow-Logs-Prod', { env: { account: '123456789012', region: 'eu-west-1' } });
  const catalog = new AthenaCatalog(stack, 'Catalog', { bucket: Bucket.fromBucketName(stack, 'Logs', 'flow-log-bucket'), prefix: 'vpc-flow-logs/', format: DEFAULT_FORMAT, ...extra });
  return { catalog, template: Template.fromStack(stack) };
}

describe('AthenaCatalog in a bare stack', () => {
  it('creates one database named after the stack and one table, without partition projection by default', () => {
    const { catalog, template } = build();

    template.resourceCountIs('AWS::Glue::Database', 1);
    template.resourceCountIs('AWS::Glue::Table', 1);
    template.hasResourceProperties('AWS::Glue::Database', { CatalogId: '123456789012', DatabaseInput: { Name: 'flow_logs_prod' } });
    const table = Object.values(template.findResources('AWS::Glue::Table'))[0] as { Properties: { DatabaseName: string; TableInput: { Name: string; Parameters: Record<string, string> } }; DependsOn: string[] };
    expect(table.Properties.DatabaseName).toBe('flow_logs_prod');
    expect(table.Properties.TableInput.Name).toBe('vpc_flow_logs');
    // Without projection the table carries only the header skip and EXTERNAL.
    expect(table.Properties.TableInput.Parameters).toEqual({ EXTERNAL: 'TRUE', 'skip.header.line.count': '1' });
    expect(table.DependsOn).toHaveLength(1);
    expect(catalog.partitionProjection).toBe(false);
    expect([catalog.databaseName, catalog.tableName]).toEqual(['flow_logs_prod', 'vpc_flow_logs']);
  });

  it('projects the day partitions when asked', () => {
    const { catalog, template } = build({ partitionProjection: true });

    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: {
        Parameters: {
          'projection.enabled': 'true',
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy/MM/dd',
        },
      },
    });
    expect(catalog.partitionProjection).toBe(true);
  });

  it('refuses a prefix that does not end in "/"', () => {
    expect(() => build({ prefix: 'vpc-flow-logs' })).toThrow(ConfigError);
    expect(() => build({ prefix: 'vpc-flow-logs' })).toThrow('AthenaCatalog: prefix must be empty or end in "/", got "vpc-flow-logs"');
  });
});
