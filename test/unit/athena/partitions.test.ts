import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  addDays,
  addPartitionsStatement,
  addPartitionsStatements,
  checkLocation,
  dayFromPrefix,
  dayOf,
  dayPrefix,
  dayRange,
  lookbackWindow,
  monthPrefixes,
  parseDay,
  partitionSpec,
  planDailyPartitions,
  type FlowLogLocation,
} from '../../../src/athena/partitions.js';

const LOCATION: FlowLogLocation = { bucket: 'flow-log-bucket', prefix: 'vpc-flow-logs/', accountId: '123456789012', region: 'eu-west-1' };
const TABLE = { database: 'vpcflowlogs', table: 'vpc_flow_logs' };

describe('parseDay', () => {
  it('accepts real calendar days, leap days of leap years included', () => {
    expect(parseDay('2024-02-29')).toBe('2024-02-29');
    expect(parseDay('2000-02-29')).toBe('2000-02-29');
    expect(parseDay('2023-12-31')).toBe('2023-12-31');
  });

  it('rejects days that do not exist and other shapes', () => {
    for (const bad of ['2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-1-5', '20240105', '2024-01-05T00:00:00Z', '']) {
      expect(() => parseDay(bad), bad).toThrow(ConfigError);
    }
  });
});

describe('dayOf', () => {
  it('takes the UTC day, not the local one', () => {
    expect(dayOf(new Date('2024-12-31T23:59:59.999Z'))).toBe('2024-12-31');
    expect(dayOf(new Date('2025-01-01T00:00:00.000Z'))).toBe('2025-01-01');
    expect(dayOf(new Date('2024-03-01T01:30:00+05:00'))).toBe('2024-02-29');
  });
});

describe('addDays', () => {
  it('crosses month ends, year ends and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-04-30', 1)).toBe('2024-05-01');
  });
});

describe('dayRange', () => {
  it('lists every day, both ends included', () => {
    expect(dayRange('2024-02-27', '2024-03-02')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
    expect(dayRange('2023-12-30', '2024-01-02')).toEqual(['2023-12-30', '2023-12-31', '2024-01-01', '2024-01-02']);
    expect(dayRange('2024-05-05', '2024-05-05')).toEqual(['2024-05-05']);
  });

  it('has 366 days in a leap year and 365 in others', () => {
    expect(dayRange('2024-01-01', '2024-12-31')).toHaveLength(366);
    expect(dayRange('2023-01-01', '2023-12-31')).toHaveLength(365);
  });

  it('rejects a range that ends before it starts', () => {
    expect(() => dayRange('2024-01-02', '2024-01-01')).toThrow(/ends \(2024-01-01\) before it starts/);
  });
});

describe('S3 layout', () => {
  it('puts a day where the flow log writes it', () => {
    expect(dayPrefix(LOCATION, '2024-02-29')).toBe('vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/29/');
    expect(partitionSpec(LOCATION, '2024-02-29')).toEqual({
      values: { aws_account_id: '123456789012', aws_region: 'eu-west-1', day: '2024/02/29' },
      location: 's3://flow-log-bucket/vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/29/',
    });
  });

  it('works at the bucket root', () => {
    expect(dayPrefix({ ...LOCATION, prefix: '' }, '2024-01-01')).toBe('AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/01/01/');
  });

  it('lists each month folder of a window once, in order', () => {
    expect(monthPrefixes(LOCATION, dayRange('2023-12-28', '2024-01-03'))).toEqual([
      'vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2023/12/',
      'vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/01/',
    ]);
  });

  it('reads a day back from its common prefix and ignores anything else', () => {
    const base = 'vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/';
    expect(dayFromPrefix(LOCATION, `${base}2024/02/29/`)).toBe('2024-02-29');
    expect(dayFromPrefix(LOCATION, `${base}2023/02/29/`)).toBeUndefined();
    expect(dayFromPrefix(LOCATION, `${base}2024/02/`)).toBeUndefined();
    expect(dayFromPrefix(LOCATION, `${base}2024/02/29/x/`)).toBeUndefined();
    expect(dayFromPrefix(LOCATION, 'vpc-flow-logs/AWSLogs/999999999999/vpcflowlogs/eu-west-1/2024/02/29/')).toBeUndefined();
  });

  it('rejects locations that would need quoting in SQL', () => {
    expect(() => checkLocation({ ...LOCATION, prefix: "it's/" })).toThrow(ConfigError);
    expect(() => checkLocation({ ...LOCATION, prefix: 'no-slash' })).toThrow(/end in "\/"/);
    expect(() => checkLocation({ ...LOCATION, bucket: 'Bad_Bucket' })).toThrow(/bucket/);
    expect(() => checkLocation({ ...LOCATION, accountId: '12345' })).toThrow(/12 digits/);
    expect(() => checkLocation({ ...LOCATION, region: 'Europe' })).toThrow(/region/);
    expect(checkLocation({ ...LOCATION, region: 'us-gov-west-1', prefix: 'a/b=c/' })).toBeTruthy();
  });
});

describe('lookbackWindow', () => {
  it('is the n days before today, oldest first', () => {
    expect(lookbackWindow('2024-03-02', 3)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(lookbackWindow('2025-01-01', 2)).toEqual(['2024-12-30', '2024-12-31']);
  });

  it('is empty for a look-back of 0 and refuses a negative or fractional one', () => {
    expect(lookbackWindow('2024-03-02', 0)).toEqual([]);
    expect(() => lookbackWindow('2024-03-02', -1)).toThrow(ConfigError);
    expect(() => lookbackWindow('2024-03-02', 1.5)).toThrow(ConfigError);
  });
});

describe('planDailyPartitions', () => {
  it('adds today and tomorrow even before they have data, across a year end', () => {
    const plan = planDailyPartitions({ today: '2024-12-31', lookbackDays: 7, daysWithData: [] });

    expect(plan.ahead).toEqual(['2024-12-31', '2025-01-01']);
    expect(plan.backfill).toEqual([]);
    expect(plan.days).toEqual(['2024-12-31', '2025-01-01']);
  });

  it('backfills the look-back days that have data, across a leap day', () => {
    const plan = planDailyPartitions({ today: '2024-03-02', lookbackDays: 4, daysWithData: ['2024-02-27', '2024-02-29', '2024-03-01'] });

    expect(plan.window).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(plan.backfill).toEqual(['2024-02-27', '2024-02-29', '2024-03-01']);
    expect(plan.days).toEqual(['2024-02-27', '2024-02-29', '2024-03-01', '2024-03-02', '2024-03-03']);
  });

  it('ignores days with data outside the window (today, tomorrow and older days)', () => {
    const plan = planDailyPartitions({ today: '2024-06-10', lookbackDays: 2, daysWithData: ['2024-06-01', '2024-06-09', '2024-06-10', '2024-06-11'] });

    expect(plan.backfill).toEqual(['2024-06-09']);
    expect(plan.days).toEqual(['2024-06-09', '2024-06-10', '2024-06-11']);
  });

  it('leaves out partitions known to exist', () => {
    const plan = planDailyPartitions({
      today: '2024-01-01',
      lookbackDays: 3,
      daysWithData: ['2023-12-29', '2023-12-30', '2023-12-31'],
      existing: ['2023-12-29', '2023-12-30', '2024-01-01'],
    });

    expect(plan.backfill).toEqual(['2023-12-31']);
    expect(plan.ahead).toEqual(['2024-01-02']);
    expect(plan.days).toEqual(['2023-12-31', '2024-01-02']);
  });

  it('plans nothing when every partition exists', () => {
    const plan = planDailyPartitions({ today: '2024-01-01', lookbackDays: 1, daysWithData: ['2023-12-31'], existing: ['2023-12-31', '2024-01-01', '2024-01-02'] });

    expect(plan.days).toEqual([]);
  });

  it('gives the same plan on a second run with the same inputs', () => {
    const input = { today: '2024-02-29', lookbackDays: 7, daysWithData: ['2024-02-23', '2024-02-28'] };

    expect(planDailyPartitions(input)).toEqual(planDailyPartitions(input));
  });
});

describe('addPartitionsStatement', () => {
  it('adds every day in one idempotent statement, with its folder', () => {
    const sql = addPartitionsStatement(TABLE, LOCATION, ['2024-03-01', '2024-02-29']);

    expect(sql).toBe(
      [
        'ALTER TABLE `vpcflowlogs`.`vpc_flow_logs` ADD IF NOT EXISTS',
        "  PARTITION (`aws_account_id` = '123456789012', `aws_region` = 'eu-west-1', `day` = '2024/02/29') LOCATION 's3://flow-log-bucket/vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/29/'",
        "  PARTITION (`aws_account_id` = '123456789012', `aws_region` = 'eu-west-1', `day` = '2024/03/01') LOCATION 's3://flow-log-bucket/vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/03/01/'",
      ].join('\n'),
    );
  });

  it('adds a day once however often it is given', () => {
    const sql = addPartitionsStatement(TABLE, LOCATION, ['2024-01-01', '2024-01-01']);

    expect(sql.match(/PARTITION \(/g)).toHaveLength(1);
  });

  it('refuses no days, a bad day and bad names', () => {
    expect(() => addPartitionsStatement(TABLE, LOCATION, [])).toThrow(/no days/);
    expect(() => addPartitionsStatement(TABLE, LOCATION, ['2023-02-29'])).toThrow(ConfigError);
    expect(() => addPartitionsStatement({ ...TABLE, table: 'Flow-Logs' }, LOCATION, ['2024-01-01'])).toThrow(/table/);
    expect(() => addPartitionsStatement({ ...TABLE, database: 'x; DROP' }, LOCATION, ['2024-01-01'])).toThrow(/database/);
  });

  it('refuses more days than fit one statement', () => {
    expect(() => addPartitionsStatement(TABLE, LOCATION, dayRange('2000-01-01', '2009-12-31'))).toThrow(/addPartitionsStatements/);
  });
});

describe('addPartitionsStatements', () => {
  it('splits a long backfill into statements under the limit that together add every day once', () => {
    const days = dayRange('2023-11-01', '2024-03-31');
    const statements = addPartitionsStatements(TABLE, LOCATION, days, 5_000);

    expect(statements.length).toBeGreaterThan(1);
    for (const s of statements) expect(s.length).toBeLessThanOrEqual(5_000);
    const added = statements.flatMap((s) => [...s.matchAll(/`day` = '(\d{4})\/(\d{2})\/(\d{2})'/g)].map((m) => `${m[1]}-${m[2]}-${m[3]}`));
    expect(added).toEqual(days);
  });

  it('fits a year of days in one statement at the default limit', () => {
    expect(addPartitionsStatements(TABLE, LOCATION, dayRange('2024-01-01', '2024-12-31'))).toHaveLength(1);
  });

  it('returns no statement for no days', () => {
    expect(addPartitionsStatements(TABLE, LOCATION, [])).toEqual([]);
  });
});
