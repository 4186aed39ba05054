import type { Artifact } from './artifact.js';
import { ModuleError } from './errors.js';
import type { ModuleInputs } from './module.js';

/**
 * The artifact on input `port`, or a non-retryable ModuleError saying the port received no
 * data (`<module> received no data on its "<port>" port`) with `hint` as the fix.
 * @example const input = requireInput(inputs, 'input', 'filter_mod', 'connect a data edge to it, e.g. "source.data - filter.input"');
 */
export function requireInput(inputs: ModuleInputs, port: string, moduleName: string, hint: string): Artifact {
  const input = inputs[port];
  if (input) return input;
  throw new ModuleError(`${moduleName} received no data on its "${port}" port`, { retryable: false, hint });
}
