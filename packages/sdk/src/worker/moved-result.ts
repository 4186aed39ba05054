// Piscina's marks for a task result whose buffers are transferred (`Symbol.for`, so they are
// the same in every copy of piscina); see transferResult.
const VALUE = Symbol.for('Piscina.valueOf');
const TRANSFERABLE = Symbol.for('Piscina.transferable');

/** `value` marked for transfer of `buffers` (still to be made movable by piscina's `move`). */
export function markTransfer(value: object, buffers: ArrayBuffer[]): object {
  return { [TRANSFERABLE]: buffers, [VALUE]: value };
}

/**
 * What the calling thread receives for a task result: a result marked by transferResult
 * arrives as its value, with its buffers moved (as piscina posts it); any other as it is.
 */
export function receiveResult(result: unknown): unknown {
  if (result === null || typeof result !== 'object' || !(VALUE in result)) return result;
  const marked = result as Record<symbol, unknown>;
  const buffers = marked[TRANSFERABLE];
  return structuredClone(marked[VALUE], { transfer: (Array.isArray(buffers) ? buffers : [buffers]) as ArrayBuffer[] });
}
