import { rowsToBatch, schemaFromSpec } from '../arrow-rows.js';
import type { SourceContext, StreamSource } from '../connector.js';

/**
 * An unbounded source for tests of a running app: one row `{ n, ts }` (a running number and the
 * wall-clock time) every `everyMs`, until the app stops; its position is the rows read, so a
 * restart continues the numbering.
 */
export function endlessSource(everyMs = 5): StreamSource {
  const schema = schemaFromSpec({ n: 'int64', ts: 'timestamp' });
  let ctx: SourceContext;
  return {
    kind: 'endless',
    open(c) { ctx = c; },
    async *batches() {
      let i = typeof ctx.position === 'number' ? ctx.position : 0;
      while (!ctx.signal.aborted) {
        yield { batch: rowsToBatch([{ n: i, ts: Date.now() }], schema), position: ++i };
        await new Promise((r) => setTimeout(r, everyMs));
      }
    },
    close() {},
  };
}
