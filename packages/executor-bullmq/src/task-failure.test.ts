import { describe, expect, it } from 'vitest';
import { decodeFailure, encodeFailure } from './task-failure.js';

describe('task failures across Redis', () => {
  it('carry the hint inside the message BullMQ keeps', () => {
    expect(decodeFailure(encodeFailure('cannot load x', 'npm install x'))).toEqual({ message: 'cannot load x', hint: 'npm install x' });
    expect(decodeFailure(encodeFailure('boom'))).toEqual({ message: 'boom' });
    expect(decodeFailure(undefined).message).toMatch(/without a message/);
  });
});
