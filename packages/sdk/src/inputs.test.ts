import { tableFromArrays } from 'apache-arrow';
import { expect, it } from 'vitest';
import { ModuleError } from './errors.js';
import { requireInput } from './inputs.js';
import { MemoryArtifact } from './memory-artifact.js';

it('returns the artifact on a port, or a non-retryable error naming the module, the port and the fix', () => {
  const input = new MemoryArtifact(tableFromArrays({ a: [1] }));
  expect(requireInput({ input }, 'input', 'x_mod', 'connect it')).toBe(input);
  const err = (() => {
    try {
      requireInput({}, 'left', 'join_mod', 'connect both inputs');
    } catch (e) {
      return e as ModuleError;
    }
  })();
  expect(err).toBeInstanceOf(ModuleError);
  expect(err?.message).toBe('join_mod received no data on its "left" port');
  expect(err?.retryable).toBe(false);
  expect(err?.hint).toBe('connect both inputs');
});
