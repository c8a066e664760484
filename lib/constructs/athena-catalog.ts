/**
 * The Glue catalog of the S3 flow logs: one database and one external table
 * whose columns come from the configured format, partitioned by account,
 * region and day; with partition projection the table computes its own
 * partitions, otherwise the partition function adds them (partition-function.ts).
 *
 * Defaults:
 * - database named after the stack ({@link databaseNameFor}), table {@link TABLE_NAME};
 * - no partition projection.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BASE_TABLE_PROPERTIES, partitionColumns, projectionProperties, TABLE_STORAGE, tableColumns, tableLocation, type GlueColumn } from '../../src/athena/athena-sql.js';
import { ConfigError } from '../../src/errors.js';
import type { FlowLogFormat } from '../../src/format/flow-log-schema.js';

/** Name of the flow-log table in the catalog's database. */
export const TABLE_NAME = 'vpc_flow_logs';

/** Defaults of {@link AthenaCatalogProps}. */
export const ATHENA_CATALOG_DEFAULTS = {
  partitionProjection: false,
} as const;

/** `VpcFlowLogs` → `vpcflowlogs`: a Glue database name (lower-case letters, digits, `_`). */
export function databaseNameFor(stackName: string): string {
  const name = stackName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return name === '' ? 'vpc_flow_logs' : name.slice(0, 255);
}

function glueColumns(columns: readonly GlueColumn[]): CfnTable.ColumnProperty[] {
  return columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment }));
}

export interface AthenaCatalogProps {
  /** Bucket the flow log writes to (plain text, default AWS layout, no Hive prefixes, daily). */
  readonly bucket: IBucket;
  /** Key prefix the flow log writes under: empty or ending in `/` (objects land in `<prefix>AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/`). */
  readonly prefix: string;
  /** The flow log's format; the Glue columns are generated from it. */
  readonly format: FlowLogFormat;
  /**
   * Use Athena partition projection instead of partitions added by a function.
   * @default false
   */
  readonly partitionProjection?: boolean;
}

/** The Glue database and the flow-log table. */
export class AthenaCatalog extends Construct {
  readonly database: CfnDatabase;
  readonly table: CfnTable;
  readonly databaseName: string;
  readonly tableName = TABLE_NAME;
  /** Whether the table projects its partitions (resolved {@link AthenaCatalogProps.partitionProjection}). */
  readonly partitionProjection: boolean;

  constructor(scope: Construct, id: string, props: AthenaCatalogProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.partitionProjection = props.partitionProjection ?? ATHENA_CATALOG_DEFAULTS.partitionProjection;
    if (!Token.isUnresolved(props.prefix) && !/^(?:[A-Za-z0-9!_.*()=+,:@-]+\/)*$/.test(props.prefix)) {
      throw new ConfigError(`AthenaCatalog: prefix must be empty or end in "/", got "${props.prefix}"`);
    }
    const location = { bucket: props.bucket.bucketName, prefix: props.prefix, accountId: stack.account, region: stack.region };
    this.databaseName = databaseNameFor(stack.stackName);

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: `VPC flow logs of ${stack.stackName}, queried with Athena` },
    });
    this.table = new CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: TABLE_NAME,
        description: `VPC flow logs in s3://${props.bucket.bucketName}/${props.prefix} (plain text, one folder a day), partitioned by account, region and day`,
        tableType: 'EXTERNAL_TABLE',
        parameters: { ...BASE_TABLE_PROPERTIES, ...(this.partitionProjection ? projectionProperties(location) : {}) },
        partitionKeys: glueColumns(partitionColumns()),
        storageDescriptor: {
          columns: glueColumns(tableColumns(props.format)),
          location: tableLocation(location),
          inputFormat: TABLE_STORAGE.inputFormat,
          outputFormat: TABLE_STORAGE.outputFormat,
          compressed: true,
          serdeInfo: { serializationLibrary: TABLE_STORAGE.serializationLibrary, parameters: { ...TABLE_STORAGE.serdeParameters } },
        },
      },
    });
    this.table.addResourceDependency(this.database);
  }
}
