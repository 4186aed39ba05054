import { describe, expect, it } from 'vitest';
import { executorFromOptions } from './executor-from-options.js';

describe('executorFromOptions', () => {
  it('runs locally unless told otherwise', async () => {
    expect(await executorFromOptions({})).toBeUndefined();
    expect(await executorFromOptions({ executor: 'local' })).toBeUndefined();
  });

  it('explains wrong choices before connecting anywhere', async () => {
    await expect(executorFromOptions({ executor: 'celery' })).rejects.toThrow(/unknown executor "celery"/);
    await expect(executorFromOptions({ redis: 'redis://h:1' })).rejects.toThrow(/--redis only applies to --executor bullmq/);
  });

  it('fails fast, with the address, when Redis does not answer', async () => {
    const t0 = Date.now();
    await expect(executorFromOptions({ executor: 'bullmq', redis: 'redis://127.0.0.1:1' })).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
