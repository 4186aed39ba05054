import { describe, expect, it } from 'vitest';
import { defaultMemoryBudget, parseByteSize, usableMemory } from './memory-budget.js';

describe('parseByteSize', () => {
  it.each([
    ['256MB', 256e6],
    ['256MiB', 256 * 1024 * 1024],
    ['256M', 256e6],
    [' 1.5 GiB ', 1.5 * 1024 ** 3],
    ['512kb', 512e3],
    ['100', 100],
    [4096, 4096],
  ])('%j is %d bytes', (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  it.each(['', 'MB', '12 XB', '-5MB', 'lots', Number.NaN, -1])('%j is not a size', (text) => expect(parseByteSize(text)).toBeUndefined());
});

describe('defaultMemoryBudget', () => {
  it('is 1/16 of memory between 16 MiB and 128 MiB', () => {
    expect(defaultMemoryBudget(1024 * 1024 * 1024)).toBe(64 * 1024 * 1024);
    expect(defaultMemoryBudget(64 * 1024 * 1024)).toBe(16 * 1024 * 1024);
    expect(defaultMemoryBudget(64 * 1024 ** 3)).toBe(128 * 1024 * 1024);
  });
});

describe('usableMemory', () => {
  it("is a container's limit when it is below the machine's memory, else the machine's", () => {
    const gib = 1024 ** 3;
    expect(usableMemory(64 * gib, gib)).toBe(gib);
    expect(defaultMemoryBudget(usableMemory(64 * gib, gib))).toBe(64 * 1024 * 1024);
    // Node reports no limit as 0, or as a number larger than the machine's memory.
    expect(usableMemory(64 * gib, 0)).toBe(64 * gib);
    expect(usableMemory(64 * gib, 2 ** 64)).toBe(64 * gib);
  });
});
