import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2015-10-21T07:27:00Z');
  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP date, counted from now; a past one is 0', () => {
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
  });
  it('ignores what is neither', () => {
    for (const v of [null, undefined, '', '-5', '1.5', 'soon', '2015-10-21T07:28:00Z']) expect(retryAfterMs(v, now)).toBeUndefined();
  });
});
