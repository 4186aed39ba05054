import { move } from 'piscina';
import { markTransfer } from './moved-result.js';

/**
 * Returns `value` from a pool task with `buffers` transferred to the calling thread, not copied
 * and not shared: the caller owns them from then on, and the pool thread holds nothing.
 *
 * Use it for large results built in a pool thread (parsed columns, encoded files). A result
 * returned plainly is copied; one in SharedArrayBuffers is not, but its memory is only freed
 * once both threads have collected their references, and an idle pool thread collects seldom:
 * at 50 M CSV rows, column buffers left to the parse threads held over 1 GB.
 *
 * Only call it inside a pool task (the module file a `ctx.pool.run` names), as its return value.
 */
export function transferResult<T extends object>(value: T, buffers: Iterable<ArrayBufferLike>): T {
  const list = [...new Set(buffers)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
  return move(markTransfer(value, list) as ArrayBuffer) as unknown as T;
}
