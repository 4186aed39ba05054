import { resolve } from 'node:path';
import { checkWritable, defineModule, ModuleError, type Artifact, requireInput, writeFileAtomic } from '@pypeline/sdk';
import { jsonRowEncoder } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';

export type { Config } from './config.js';

// Retrying cannot fix a path that names a folder or a place the user may not write.
const USER_ERRORS = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS', 'EEXIST']);

export default defineModule<Config>({
  name: 'json_sink',
  type: 'sink',
  description: 'Writes its input as JSON Lines or a JSON array, atomically (temp file, then rename)',
  category: 'File Sinks',
  inputPorts: ['input'],
  globals: ['row_count', 'output_path'],
  check: ({ config }) => checkWritable(config.output_path, 'output_path'),
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'json_sink', 'connect a data edge to it, e.g. "source.data - sink.input"');
    const path = resolve(config.output_path);
    let rows = 0;
    const bytes = await writeFileAtomic(path, serialize(input, config.format, ctx.signal, (n) => (rows += n))).catch((error: NodeJS.ErrnoException) => {
      if (error instanceof ModuleError || ctx.signal.aborted) throw error;
      throw new ModuleError(`cannot write JSON file ${path}: ${error.message}`, {
        retryable: !USER_ERRORS.has(error.code ?? ''),
        hint: 'check that output_path names a file (not a folder) in a writable place with free space',
        cause: error,
      });
    });
    ctx.setGlobal('row_count', rows);
    ctx.setGlobal('output_path', path);
    ctx.logger.info('wrote JSON', { path, format: config.format, rows, bytes });
  },
});

/** The file's text, one chunk per record batch, so a large input is never one giant string. */
async function* serialize(input: Artifact, format: 'jsonl' | 'array', signal: AbortSignal, counted: (n: number) => void): AsyncGenerator<string> {
  // Each row is written as text: JSON.stringify would round 64-bit integers and decimals.
  const encodeRow = jsonRowEncoder(input.schema.fields);
  let first = true;
  if (format === 'array') yield '[';
  for await (const batch of input.batches()) {
    signal.throwIfAborted();
    const columns = batch.data.children;
    const lines: string[] = [];
    for (let i = 0; i < batch.numRows; i++) lines.push(encodeRow(columns, i));
    counted(batch.numRows);
    if (lines.length === 0) continue;
    if (format === 'jsonl') yield `${lines.join('\n')}\n`;
    else {
      yield `${first ? '\n' : ',\n'}${lines.join(',\n')}`;
      first = false;
    }
  }
  if (format === 'array') yield first ? ']\n' : '\n]\n';
}
