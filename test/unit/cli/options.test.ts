import { describe, expect, it } from 'vitest';
import { optionHelp, parseOptions, requireOptions, type OptionTable } from '../../../cli/options.js';
import { UsageError } from '../../../cli/errors.js';

const TABLE = {
  endpoint: { type: 'string', arg: 'URL', env: ['OPENSEARCH_ENDPOINT'], stack: ['OPENSEARCH_ENDPOINT', 'DomainEndpoint'], help: 'where' },
  'geoip-dir': { type: 'string', arg: 'DIR', env: ['GEOIP_DIR'], stack: [], help: 'data' },
  prefix: { type: 'string', env: ['FLOW_LOG_PREFIX'], help: 'key prefix' },
  'no-geoip': { type: 'boolean', env: ['GEOIP_ENABLED'], envValue: 'false', help: 'off' },
  'dry-run': { type: 'boolean', help: 'print only' },
} as const satisfies OptionTable;

describe('parseOptions', () => {
  it('takes a flag over the stack, and the stack over the environment', () => {
    const env = { OPENSEARCH_ENDPOINT: 'http://env:9200', FLOW_LOG_PREFIX: 'env/' };
    const stack = { OPENSEARCH_ENDPOINT: 'https://stack', FLOW_LOG_PREFIX: 'stack/' };

    expect(parseOptions(TABLE, ['--endpoint', 'http://flag'], env, stack).values.endpoint).toBe('http://flag');
    expect(parseOptions(TABLE, [], env, stack).values).toMatchObject({ endpoint: 'https://stack', prefix: 'stack/' });
    expect(parseOptions(TABLE, [], env, {}).values).toMatchObject({ endpoint: 'http://env:9200', prefix: 'env/' });
  });

  it("reads a stack output under its key, and never the stack's value of a flag that takes none", () => {
    const r = parseOptions(TABLE, [], { GEOIP_DIR: '/home/me/geo' }, { DomainEndpoint: 'https://search-x', GEOIP_DIR: '/var/task/geo' });

    expect(r.values.endpoint).toBe('https://search-x');
    expect(r.values['geoip-dir']).toBe('/home/me/geo');
  });

  it('sets a boolean from the value of its variable, and only from that value', () => {
    expect(parseOptions(TABLE, [], { GEOIP_ENABLED: 'false' }).values['no-geoip']).toBe(true);
    expect(parseOptions(TABLE, [], { GEOIP_ENABLED: 'true' }).values['no-geoip']).toBeUndefined();
    expect(parseOptions(TABLE, [], {}, { GEOIP_ENABLED: 'false' }).values['no-geoip']).toBe(true);
    expect(parseOptions(TABLE, [], { GEOIP_ENABLED: 'false' }).values['dry-run']).toBeUndefined();
  });

  it('keeps an empty value (an empty prefix is a prefix) and says which flags were given', () => {
    const r = parseOptions(TABLE, ['--prefix', '', 'file.json'], { OPENSEARCH_ENDPOINT: 'http://env' });

    expect(r.values.prefix).toBe('');
    expect(r.positionals).toEqual(['file.json']);
    expect([...r.given]).toEqual(['prefix']);
  });
});

describe('requireOptions', () => {
  it('names every missing flag at once, with its variables, and the other problems', () => {
    const values = parseOptions(TABLE, [], {}).values;

    expect(() => requireOptions('x', TABLE, values, ['endpoint', 'prefix', 'dry-run'], ['no FILE given'])).toThrow(
      new UsageError('x: missing --endpoint (or OPENSEARCH_ENDPOINT), --prefix (or FLOW_LOG_PREFIX), --dry-run; no FILE given; see flowlogs x --help'),
    );
    expect(() => requireOptions('x', TABLE, parseOptions(TABLE, ['--prefix', 'p/'], { OPENSEARCH_ENDPOINT: 'http://e' }).values, ['endpoint', 'prefix'])).not.toThrow();
  });
});

describe('optionHelp', () => {
  it('writes one aligned line per flag with its variables and stack outputs', () => {
    expect(optionHelp(TABLE)).toBe(
      [
        '  --endpoint URL   where (OPENSEARCH_ENDPOINT; stack: DomainEndpoint)',
        '  --geoip-dir DIR  data (GEOIP_DIR)',
        '  --prefix VALUE   key prefix (FLOW_LOG_PREFIX)',
        '  --no-geoip       off (GEOIP_ENABLED=false)',
        '  --dry-run        print only',
      ].join('\n'),
    );
  });
});
