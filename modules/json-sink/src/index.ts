import { checkOutput, resolvePath, writeOutput } from '@pypeline/object-store';
import { defineModule, ModuleError, type Artifact, requireInput, fileWriteError } from '@pypeline/sdk';
import { jsonRowEncoder } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'json_sink',
  type: 'sink',
  description: 'Writes its input as JSON Lines or a JSON array, atomically (temp file, then rename; an s3:// key is uploaded and appears only when complete)',
  category: 'File Sinks',
  inputPorts: ['input'],
  globals: ['row_count', 'output_path'],
  check: ({ config, signal }) => checkOutput(config.output_path, 'output_path', config, signal),
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'json_sink', 'connect a data edge to it, e.g. "source.data - sink.input"');
    const path = resolvePath(config.output_path);
    let rows = 0;
    const bytes = await writeOutput(path, serialize(input, config.format, ctx.signal, (n) => (rows += n)), config).catch((error: unknown) => {
      if (error instanceof ModuleError || ctx.signal.aborted) throw error;
      throw fileWriteError('JSON', path, error);
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
