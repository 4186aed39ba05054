import { describe, expect, it } from 'vitest';
import { until } from './until.js';

describe('until', () => {
  it('resolves once a sync or async condition holds', async () => {
    let n = 0;
    await until(() => ++n >= 3, 'three looks');
    expect(n).toBe(3);
    await until(async () => ++n >= 5, 'five looks');
    expect(n).toBe(5);
  });

  it('fails after its deadline, naming what it waited for and what was seen', async () => {
    await expect(until(() => false, 'the port to open', 50)).rejects.toThrow('timed out after 50 ms waiting for the port to open');
    await expect(until(() => false, () => 'row 3 (saw 2 rows)', 50)).rejects.toThrow(/waiting for row 3 \(saw 2 rows\)$/);
  });
});
