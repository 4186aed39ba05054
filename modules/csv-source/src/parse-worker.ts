import { transferResult } from '@pypeline/sdk/worker';
import { columnBuffers } from './column-builder.js';
import { inferChunk, type InferTask, type Inferred } from './infer-kinds.js';
import { parseChunk, type ParseTask, type ParsedChunk } from './parse-chunk.js';

/** Pool task: parses one chunk of whole records into column buffers, transferred (not copied) back. */
export default function parse(task: ParseTask): ParsedChunk {
  const parsed = parseChunk(task);
  return transferResult(parsed, columnBuffers(parsed.columns));
}

/** Pool task: the kinds a chunk's values fit, for `sample_rows: 0`. */
export function infer(task: InferTask): Inferred {
  return inferChunk(task);
}
