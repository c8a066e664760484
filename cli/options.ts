/**
 * One option table per command: flag, type, the environment variable it falls back to, and its
 * help line. Parsing, the fallback to the environment, the check for missing options and the
 * help text all read the table, so a flag is declared once.
 *
 * The fallbacks are the functions' own variable names (src/settings.ts): a deployed function's
 * configuration shows the values a command needs.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import type { StackClients } from './stack.js';

/** One flag of a command. */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  /** Environment variables read, in order, when the flag is not given (strings only). */
  readonly env?: readonly string[];
  readonly short?: string;
  /** Placeholder of the value in the help (`D`, `URL`). @default 'VALUE' */
  readonly arg?: string;
  /** One line of help. */
  readonly help: string;
}

/** A command's flags by name (without the leading `--`). */
export type OptionTable = Readonly<Record<string, CliOption>>;

/** Parsed values: each string flag from the command line, else its environment variable. */
export type OptionValues<T extends OptionTable> = { readonly [K in keyof T]: T[K]['type'] extends 'boolean' ? boolean | undefined : string | undefined };

/**
 * Parses `argv` against `table`; a string flag not given takes the first of its environment
 * variables that is set (an empty value counts as set: an empty prefix is a valid prefix).
 */
export function parseOptions<T extends OptionTable>(
  table: T,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): { readonly values: OptionValues<T>; readonly positionals: readonly string[] } {
  const spec = Object.fromEntries(Object.entries(table).map(([flag, o]) => [flag, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  const parsed = parseArgs({ args: [...argv], options: spec, allowPositionals: true, strict: true });
  const values: Record<string, string | boolean | undefined> = { ...(parsed.values as Record<string, string | boolean | undefined>) };
  for (const [flag, o] of Object.entries(table)) {
    if (o.type !== 'string' || values[flag] !== undefined) continue;
    const name = (o.env ?? []).find((n) => env[n] !== undefined);
    if (name !== undefined) values[flag] = env[name];
  }
  return { values: values as OptionValues<T>, positionals: parsed.positionals };
}

/**
 * Throws one {@link UsageError} naming every flag of `required` that has no value (nor a value
 * in its environment variables), so a user learns all of them in one run.
 */
export function requireOptions<T extends OptionTable>(command: string, table: T, values: OptionValues<T>, required: readonly (keyof T & string)[]): void {
  const missing = required.filter((flag) => values[flag] === undefined);
  if (missing.length === 0) return;
  const named = missing.map((flag) => {
    const env = table[flag]!.env ?? [];
    return env.length > 0 ? `--${flag} (or ${env.join(' / ')})` : `--${flag}`;
  });
  throw new UsageError(`${command}: missing ${named.join(', ')}; see flowlogs ${command} --help`);
}

/** The option lines of a command's help, from its table. */
export function optionHelp(table: OptionTable): string {
  const rows = Object.entries(table).map(([flag, o]) => {
    const left = `  ${o.short ? `-${o.short}, ` : ''}--${flag}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;
    const env = o.env && o.env.length > 0 ? ` (${o.env.join(', ')})` : '';
    return [left, `${o.help}${env}`] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => l.padEnd(width) + r).join('\n');
}

/**
 * {@link parseOptions}, with the configuration of a deployed stack when the table has a `stack`
 * flag and it is given: a flag wins, then the stack's value, then the process environment.
 */
export async function parseOptionsWithStack<T extends OptionTable>(
  table: T,
  argv: readonly string[],
  clients?: StackClients,
): Promise<{ readonly values: OptionValues<T>; readonly positionals: readonly string[] }> {
  const first = parseOptions(table, argv, {});
  const stack = (first.values as Record<string, unknown>).stack;
  if (typeof stack !== 'string' || !('stack' in table)) return parseOptions(table, argv);
  const { stackEnvironment, defaultStackClients } = await import('./stack.js');
  const fromStack = await stackEnvironment(stack, clients ?? defaultStackClients());
  return parseOptions(table, argv, { ...process.env, ...fromStack });
}
