/**
 * One option table per command: flag, type, the environment variable it falls back to, the
 * deployed stack's setting it takes with `--stack`, and its help line. Parsing, the fallbacks,
 * the check for missing options and the help text all read the table, so a flag is declared
 * once.
 *
 * The fallbacks are the functions' own variable names (src/settings.ts): a deployed function's
 * configuration shows the values a command needs, and `--stack NAME` reads them from there.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import type { StackClients } from './stack.js';

/** One flag of a command. */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  /** Environment variables read, in order, when the flag is not given. */
  readonly env?: readonly string[];
  /**
   * For a boolean: the value of its environment variable that sets it (`GEOIP_ENABLED=false`
   * sets `--no-geoip`). Without it a boolean reads no variable.
   */
  readonly envValue?: string;
  /**
   * Names in a deployed stack's configuration (its functions' environment variables, its
   * outputs) the flag takes with `--stack`, in order.
   * @default - the `env` names: the functions are configured with the variables the flags fall back to
   */
  readonly stack?: readonly string[];
  readonly short?: string;
  /** Placeholder of the value in the help (`D`, `URL`). @default 'VALUE' */
  readonly arg?: string;
  /** One line of help. */
  readonly help: string;
}

/** A command's flags by name (without the leading `--`). */
export type OptionTable = Readonly<Record<string, CliOption>>;

/** Parsed values: each flag from the command line, else the stack's setting, else its environment variable. */
export type OptionValues<T extends OptionTable> = { readonly [K in keyof T]: T[K]['type'] extends 'boolean' ? boolean | undefined : string | undefined };

/** What {@link parseOptions} returns. */
export interface ParsedOptions<T extends OptionTable> {
  readonly values: OptionValues<T>;
  readonly positionals: readonly string[];
  /** The flags given on the command line (not from the stack or the environment). */
  readonly given: ReadonlySet<keyof T & string>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The `--stack` flag, for a command that reads a deployed stack's configuration. */
export const STACK_OPTION = {
  stack: { type: 'string', arg: 'NAME', help: 'a deployed stack (CloudFormation name) to take every setting not given from: its outputs and its functions\' environment' },
} as const satisfies OptionTable;

/** `-h`, `--help`. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h', help: 'this help' } } as const satisfies OptionTable;

function fallback(o: CliOption, names: readonly string[], from: Env): string | boolean | undefined {
  const name = names.find((n) => from[n] !== undefined);
  if (name === undefined) return undefined;
  if (o.type === 'string') return from[name];
  return o.envValue !== undefined && from[name] === o.envValue ? true : undefined;
}

/**
 * Parses `argv` against `table`. A flag not given takes, in order: the first of its
 * {@link CliOption.stack} names set in `stack` (the configuration of the stack `--stack` names),
 * then the first of its environment variables set in `env` (an empty value counts as set: an
 * empty prefix is a valid prefix).
 */
export function parseOptions<T extends OptionTable>(table: T, argv: readonly string[], env: Env = process.env, stack: Env = {}): ParsedOptions<T> {
  const spec = Object.fromEntries(Object.entries(table).map(([flag, o]) => [flag, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  const parsed = parseArgs({ args: [...argv], options: spec, allowPositionals: true, strict: true });
  const values: Record<string, string | boolean | undefined> = { ...(parsed.values as Record<string, string | boolean | undefined>) };
  const given = new Set(Object.keys(values) as (keyof T & string)[]);
  for (const [flag, o] of Object.entries(table)) {
    if (values[flag] !== undefined || (o.type === 'boolean' && o.envValue === undefined)) continue;
    values[flag] = fallback(o, o.stack ?? o.env ?? [], stack) ?? fallback(o, o.env ?? [], env);
  }
  return { values: values as OptionValues<T>, positionals: parsed.positionals, given };
}

/** `--flag (or ENV / ENV2)`, as a missing option, or an option with a bad value, is named. */
export function optionName(table: OptionTable, flag: string): string {
  const env = table[flag]?.env ?? [];
  return env.length > 0 ? `--${flag} (or ${env.join(' / ')})` : `--${flag}`;
}

/**
 * Throws one {@link UsageError} naming every flag of `required` that has no value (from the
 * command line, the stack or the environment), so a user learns all of them in one run.
 * `also` adds other problems of the same command line to the same message.
 */
export function requireOptions<T extends OptionTable>(
  command: string,
  table: T,
  values: OptionValues<T>,
  required: readonly (keyof T & string)[],
  also: readonly string[] = [],
): void {
  const missing = required.filter((flag) => values[flag] === undefined);
  if (missing.length === 0 && also.length === 0) return;
  const parts = [...(missing.length > 0 ? [`missing ${missing.map((flag) => optionName(table, flag)).join(', ')}`] : []), ...also];
  throw new UsageError(`${command}: ${parts.join('; ')}; see flowlogs ${command} --help`);
}

/** The option lines of a command's help, from its table: each flag with the variables (and stack outputs) it falls back to. */
export function optionHelp(table: OptionTable): string {
  const rows = Object.entries(table).map(([flag, o]) => {
    const left = `  ${o.short ? `-${o.short}, ` : ''}--${flag}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;
    const env = (o.env ?? []).map((n) => (o.envValue !== undefined ? `${n}=${o.envValue}` : n));
    const outputs = (o.stack ?? []).filter((n) => !(o.env ?? []).includes(n));
    const notes = [...(env.length > 0 ? [env.join(', ')] : []), ...(outputs.length > 0 ? [`stack: ${outputs.join(', ')}`] : [])];
    return [left, `${o.help}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => l.padEnd(width) + r).join('\n');
}

/**
 * {@link parseOptions}, with the configuration of a deployed stack when the table has a `stack`
 * flag and it is given on the command line: a flag wins, then the stack's value, then the
 * process environment. The AWS SDK is loaded only then.
 */
export async function parseOptionsWithStack<T extends OptionTable>(table: T, argv: readonly string[], clients?: StackClients): Promise<ParsedOptions<T>> {
  const first = parseOptions(table, argv, {});
  const stack = (first.values as Record<string, unknown>).stack;
  // --help never needs the stack (nor credentials).
  if (typeof stack !== 'string' || !('stack' in table) || (first.values as Record<string, unknown>).help === true) return parseOptions(table, argv);
  if (stack === '') throw new UsageError('--stack needs a stack name');
  const { stackEnvironment, defaultStackClients } = await import('./stack.js');
  return parseOptions(table, argv, process.env, await stackEnvironment(stack, clients ?? defaultStackClients()));
}
