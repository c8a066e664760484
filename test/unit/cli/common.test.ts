import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAll } from '../../../cli/common.js';

const scratch = mkdtempSync(join(tmpdir(), 'flowlogs-write-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What writeAll puts in a fresh file. */
function written(text: string | readonly string[]): string {
  const file = join(scratch, `out-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(file, 'w');
  try {
    writeAll(fd, text);
  } finally {
    closeSync(fd);
  }
  return readFileSync(file, 'utf8');
}

describe('writeAll', () => {
  it('writes several strings as their concatenation, across its buffer filling up', () => {
    // Arrange: some 3 MiB in pieces, so the 1 MiB buffer is flushed between
    // pieces; multi-byte characters where a piece ends near the boundary.
    const pieces = Array.from({ length: 30_000 }, (_, i) => `{"n":${i},"s":"${i % 7 === 0 ? 'ünï✓🚀' : 'plain'}${'x'.repeat(80)}"}\n`);

    // Act, Assert
    expect(written(pieces)).toBe(pieces.join(''));
  });

  it('writes one string larger than its buffer, and an empty list', () => {
    const big = 'é'.repeat(1_500_000) + '\n';

    expect(written(big)).toBe(big);
    expect(written(['a', big, 'b'])).toBe('a' + big + 'b');
    expect(written([])).toBe('');
  });
});
