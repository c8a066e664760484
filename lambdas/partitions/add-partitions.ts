/**
 * One daily run of the partition function: list the look-back window's day
 * folders, plan (src/athena/partitions.ts), and run the one ADD IF NOT EXISTS
 * PARTITION statement.
 *
 * Existing partitions are not read from Glue: the statement's IF NOT EXISTS
 * leaves them as they are, so re-adding the window's days each run is a
 * no-op for those already there, and the run stays one S3 listing per month
 * plus one DDL query (free in Athena), with no Glue read permission or client.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import { addPartitionsStatements, dayOf, lookbackWindow, planDailyPartitions, type Day } from '../../src/athena/partitions.js';
import { ConfigError } from '../../src/errors.js';
import { runStatement, type RunStatementOptions } from './athena.js';
import type { PartitionConfig } from './config.js';
import { daysWithData } from './s3-days.js';

/** What a run needs. */
export interface DailyRunInput {
  readonly config: PartitionConfig;
  readonly athena: AthenaClient;
  readonly s3: S3Client;
  /** The time of the run: its UTC day is "today". */
  readonly now: Date;
  /** Milliseconds left before the run must stop. */
  readonly remainingMs: () => number;
  /** Poll timing and hooks for {@link runStatement}. */
  readonly polling?: Pick<RunStatementOptions, 'initialDelayMs' | 'maxDelayMs' | 'reserveMs' | 'sleep' | 'onPoll'>;
}

/** What a run did. */
export interface DailyRunSummary {
  readonly today: Day;
  /** Every day the statement registers (or confirms), in order. */
  readonly days: readonly Day[];
  /** Look-back days with data. */
  readonly backfill: readonly Day[];
  /** Look-back days with no objects: no partition needed. */
  readonly empty: readonly Day[];
  readonly queryExecutionIds: readonly string[];
}

/** Runs the daily plan to the end. Throws what {@link runStatement} throws, and S3 errors after the SDK's retries. */
export async function addDailyPartitions(input: DailyRunInput): Promise<DailyRunSummary> {
  const { config } = input;
  if (config.workgroup === undefined) throw new ConfigError('a workgroup is needed to run statements');
  const today = dayOf(input.now);
  const window = lookbackWindow(today, config.lookbackDays);
  const withData = window.length > 0 ? await daysWithData(input.s3, config.location, window) : [];
  const plan = planDailyPartitions({ today, lookbackDays: config.lookbackDays, daysWithData: withData });
  const queryExecutionIds: string[] = [];
  // One statement unless the look-back spans years.
  for (const sql of addPartitionsStatements(config.table, config.location, plan.days)) {
    const result = await runStatement(input.athena, { ...input.polling, sql, workgroup: config.workgroup, database: config.table.database, remainingMs: input.remainingMs });
    queryExecutionIds.push(result.queryExecutionId);
  }
  const backfilled = new Set(plan.backfill);
  return { today, days: plan.days, backfill: plan.backfill, empty: window.filter((d) => !backfilled.has(d)), queryExecutionIds };
}
