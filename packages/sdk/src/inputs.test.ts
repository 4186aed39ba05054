import { tableFromArrays } from 'apache-arrow';
import { expect, it } from 'vitest';
import { ModuleError } from './errors.js';
import { inputKey, inputList, requireInput, requireInputList } from './inputs.js';
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

it('lists a many port in connection order, and says when nothing is connected to it', () => {
  const [a, b] = [new MemoryArtifact(tableFromArrays({ a: [1] })), new MemoryArtifact(tableFromArrays({ a: [2] }))];
  const inputs = { [inputKey('inputs', 1)]: b, [inputKey('inputs', 0)]: a, other: a };
  expect(inputKey('inputs', 1)).toBe('inputs[1]');
  expect(requireInputList(inputs, 'inputs', 'union_mod', 'connect')).toEqual([a, b]);
  expect(inputList({ 'in[0]': undefined, 'in[1]': 5 }, 'in')).toEqual([undefined, 5]);
  expect(() => requireInputList({ input: a }, 'inputs', 'union_mod', 'connect one')).toThrow('union_mod received no data on its "inputs" port');
});
