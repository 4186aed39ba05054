import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { defineModule } from './module.js';
import { isArtifact, MemoryArtifact, toTable } from './memory-artifact.js';

const table = tableFromArrays({ id: Int32Array.from([1, 2, 3]) });

describe('MemoryArtifact', () => {
  it('offers the table, its batches and its row count', async () => {
    const a = new MemoryArtifact(table);
    expect(a.numRows).toBe(3);
    expect(a.uri).toMatch(/^memory:\/\/artifact-\d+$/);
    expect(await a.table()).toBe(table);
    const rows: number[] = [];
    for await (const b of a.batches()) rows.push(...(b.getChild('id')!.toArray() as Int32Array));
    expect(rows).toEqual([1, 2, 3]);
    expect(isArtifact(a)).toBe(true);
    expect(isArtifact(table)).toBe(false);
  });

  it('toTable accepts tables, batch lists, async batch streams and artifacts', async () => {
    async function* stream() {
      yield* table.batches;
    }
    for (const input of [table, table.batches, stream(), new MemoryArtifact(table)]) {
      expect((await toTable(input)).numRows).toBe(3);
    }
  });

  it('defineModule returns the definition unchanged', () => {
    const def = { name: 'x', type: 'solo' as const, description: '', category: 'c', run: async () => {} };
    expect(defineModule(def)).toBe(def);
  });
});
