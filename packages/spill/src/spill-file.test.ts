import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpillFileWriter, readSpillFile } from './spill-file.js';
import { generateBatches, pick, rowsOf } from './testing/generate-batches.js';

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'spill-file-test-'));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

describe('spill files', () => {
  it('give back every batch with its types, and write a slice without the rest of its buffers', () => {
    const [big] = generateBatches(3, 1, 20_000);
    const flat = pick(big, ['id', 'k', 'x', 's', 'b']);
    const whole = new SpillFileWriter(join(temp, 'whole.arrows'));
    whole.write(flat);
    whole.close();
    const sliced = new SpillFileWriter(join(temp, 'sliced.arrows'));
    const parts = [flat.slice(0, 100), flat.slice(5000, 5100), big.slice(19_900, 20_000)];
    for (const part of parts.slice(0, 2)) sliced.write(part);
    sliced.close();
    expect(sliced.diskBytes).toBeLessThan(whole.diskBytes / 20);
    expect(rowsOf(readSpillFile(sliced.path, sliced.rows))).toEqual(rowsOf(parts.slice(0, 2)));
    const nested = new SpillFileWriter(join(temp, 'nested.arrows'));
    nested.write(parts[2]);
    nested.close();
    const back = [...readSpillFile(nested.path, nested.rows)];
    expect(rowsOf(back)).toEqual(rowsOf([parts[2]]));
    expect(back[0].schema.fields.map(String)).toEqual(big.schema.fields.map(String));
  });
});
