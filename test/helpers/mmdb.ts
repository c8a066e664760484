/**
 * A minimal MaxMind DB writer, for user databases of known content in tests.
 * https://maxmind.github.io/MaxMind-DB/ : search tree, 16 zero bytes, data
 * section, metadata marker, metadata map. IPv4 tree; 24-bit records unless told
 * (28 and 32 as the spec's "Search Tree Section" lays them out).
 */

export type MmdbValue = string | number | bigint | Buffer | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

function control(type: number, size: number): Buffer {
  const extended = type > 7;
  // Sizes past 28 follow in 1, 2 or 3 bytes, counted from 29, 285 and 65,821.
  const marker = size < 29 ? size : size < 285 ? 29 : size < 65_821 ? 30 : 31;
  const bytes = [((extended ? 0 : type) << 5) | marker];
  if (extended) bytes.push(type - 7);
  if (marker === 29) bytes.push(size - 29);
  if (marker === 30) bytes.push((size - 285) >>> 8, (size - 285) & 0xff);
  if (marker === 31) bytes.push((size - 65_821) >>> 16, ((size - 65_821) >>> 8) & 0xff, (size - 65_821) & 0xff);
  return Buffer.from(bytes);
}

/** The data-section bytes of one value, in pieces (a big `Buffer` value is copied once, into the file). */
function pieces(v: MmdbValue): Buffer[] {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return [control(2, b.length), b];
  }
  if (Buffer.isBuffer(v)) return [control(4, v.length), v];
  if (typeof v === 'bigint') {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(v);
    return [control(9, 8), b];
  }
  if (typeof v === 'number') {
    const b = Buffer.alloc(Number.isInteger(v) && v >= 0 ? 4 : 8);
    if (b.length === 4) {
      b.writeUInt32BE(v);
      return [control(6, 4), b];
    }
    b.writeDoubleBE(v);
    return [control(3, 8), b];
  }
  if (Array.isArray(v)) return [control(11, v.length), ...v.flatMap(pieces)];
  const entries = Object.entries(v as { readonly [key: string]: MmdbValue });
  return [control(7, entries.length), ...entries.flatMap(([k, x]) => [...pieces(k), ...pieces(x)])];
}

/** The data-section bytes of one value. */
function encode(v: MmdbValue): Buffer {
  return Buffer.concat(pieces(v));
}

/** How many data-section bytes one value takes. */
export function encodedLength(v: MmdbValue): number {
  return pieces(v).reduce((n, b) => n + b.length, 0);
}

export interface TestNetwork {
  readonly network: string; // a.b.c.d/len, or an IPv6 network (in an IPv6 tree only)
  readonly record: MmdbValue;
}

/** An IPv6 address as 128 bits (`::` expanded; no embedded dotted quad). */
function ipv6Bits(ip: string): bigint {
  const [head, tail] = ip.includes('::') ? (ip.split('::') as [string, string]) : [ip, undefined];
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? front : [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * A database of `networks`. An IPv6 tree (`ipVersion` 6) holds IPv4 networks
 * under ::/96, as the spec's "IPv4 addresses in an IPv6 tree" says.
 */
export function writeMmdb(databaseType: string, networks: readonly TestNetwork[], recordSize: 24 | 28 | 32 = 24, ipVersion: 4 | 6 = 4): Buffer {
  // Trie: child is a node index, a data index (as { data }), or empty.
  type Child = number | { data: number } | undefined;
  const nodes: [Child, Child][] = [[undefined, undefined]];
  const width = ipVersion === 6 ? 128 : 32;
  networks.forEach(({ network }, dataIndex) => {
    const [ip, prefix] = network.split('/') as [string, string];
    const v6 = ip.includes(':');
    const addr = v6 ? ipv6Bits(ip) : BigInt(ip.split('.').reduce((a, o) => a * 256 + Number(o), 0));
    const len = Number(prefix) + (v6 ? 0 : width - 32);
    let node = 0;
    for (let depth = 0; depth < len; depth++) {
      const bit = Number((addr >> BigInt(width - 1 - depth)) & 1n);
      if (depth === len - 1) nodes[node]![bit] = { data: dataIndex };
      else {
        let next = nodes[node]![bit];
        if (typeof next !== 'number') {
          next = nodes.push([undefined, undefined]) - 1;
          nodes[node]![bit] = next;
        }
        node = next;
      }
    }
  });
  const data = networks.map(({ record }) => pieces(record));
  const lengths = data.map((parts) => parts.reduce((n, b) => n + b.length, 0));
  const offsets = lengths.map((_, i) => lengths.slice(0, i).reduce((n, l) => n + l, 0));
  const nodeCount = nodes.length;
  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  const value = (c: Child): number => (c === undefined ? nodeCount : typeof c === 'number' ? c : nodeCount + 16 + offsets[c.data]!);
  nodes.forEach(([left, right], i) => {
    const at = i * nodeBytes;
    const l = value(left);
    const r = value(right);
    if (recordSize === 28) {
      // Left's low 24 bits, then a byte whose high nibble is left's top 4 bits and low nibble right's, then right's low 24.
      tree.writeUIntBE(l & 0xffffff, at, 3);
      tree[at + 3] = ((l >>> 24) << 4) | (r >>> 24);
      tree.writeUIntBE(r & 0xffffff, at + 4, 3);
    } else {
      tree.writeUIntBE(l, at, recordSize / 8);
      tree.writeUIntBE(r, at + recordSize / 8, recordSize / 8);
    }
  });
  const metadata = encode({
    node_count: nodeCount,
    record_size: recordSize,
    ip_version: ipVersion,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000n,
    description: { en: 'test database' },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data.flat(), Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'), metadata]);
}

