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

/**
 * The key under which the `index`-th connection (0-based, in connection order) of a many input
 * port arrives in `inputs` (and in `SchemaContext.inputs`): `inputs[0]`, `inputs[1]`, ….
 * WARNING: the engine, the schema propagation and `runModule` all key many ports with this one
 * function; a module reads them back with `inputList` rather than building keys itself.
 */
export function inputKey(port: string, index: number): string {
  return `${port}[${index}]`;
}

/**
 * The values of many input port `port` in connection order: artifacts from `inputs`, or input
 * schemas from `SchemaContext.inputs` (an unknown schema stays in its place as `undefined`).
 */
export function inputList<T>(inputs: Readonly<Record<string, T>>, port: string): T[] {
  const list: T[] = [];
  for (let i = 0; inputKey(port, i) in inputs; i++) list.push(inputs[inputKey(port, i)]);
  return list;
}

/**
 * The artifacts on many input port `port` in connection order, or a non-retryable ModuleError
 * (`<module> received no data on its "<port>" port`) with `hint` as the fix when none is connected.
 * @example const tables = requireInputList(inputs, 'inputs', 'union_mod', 'connect one or more data edges to it, e.g. "a.data - u.inputs"');
 */
export function requireInputList(inputs: ModuleInputs, port: string, moduleName: string, hint: string): Artifact[] {
  const list = inputList(inputs, port);
  if (list.length > 0) return list;
  throw new ModuleError(`${moduleName} received no data on its "${port}" port`, { retryable: false, hint });
}
