import { checkOutput, resolvePath, writeOutput } from '@pypeline/object-store';
import { defineModule, ModuleError, type Artifact, requireInput, fileWriteError } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { csvProblems, fieldWriter, type CsvFormat } from './csv-format.js';
import { csvEncoder } from './csv-values.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'csv_sink',
  type: 'sink',
  description: 'Writes its input as a CSV file (RFC 4180 quoting, exact numbers), atomically (temp file, then rename; an s3:// key is uploaded and appears only when complete)',
  category: 'File Sinks',
  inputPorts: ['input'],
  globals: ['row_count', 'output_path'],
  outputSchemas: ({ config, inputs }) => ({ problems: csvProblems({ ...DEFAULTS, ...config }, inputs.input) }),
  check: ({ config, signal }) => checkOutput(config.output_path, 'output_path', config, signal),
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'csv_sink', 'connect a data edge to it, e.g. "source.data - sink.input"');
    const problems = csvProblems(config, input.schema);
    if (problems.length > 0) {
      throw new ModuleError(`csv_sink: ${problems.map((p) => p.message).join('; ')}`, { retryable: false, hint: problems.map((p) => p.hint).filter(Boolean).join('; ') });
    }
    const path = resolvePath(config.output_path);
    let rows = 0;
    const bytes = await writeOutput(path, serialize(input, config, ctx.signal, (n) => (rows += n)), config).catch((error: unknown) => {
      if (error instanceof ModuleError || ctx.signal.aborted) throw error;
      throw fileWriteError('CSV', path, error);
    });
    ctx.setGlobal('row_count', rows);
    ctx.setGlobal('output_path', path);
    ctx.logger.info('wrote CSV', { path, rows, bytes });
  },
});

/** The file's text, one chunk per record batch, so a large input is never one giant string. */
async function* serialize(input: Artifact, config: CsvFormat & { header: boolean; bom: boolean }, signal: AbortSignal, counted: (n: number) => void): AsyncGenerator<string> {
  const fields = input.schema.fields;
  const field = fieldWriter(config);
  const eol = config.line_ending === 'crlf' ? '\r\n' : '\n';
  const encode = fields.map(csvEncoder);
  let head = config.bom ? '\uFEFF' : '';
  // A header names columns even with quoting `minimal`; an empty name is quoted like any empty text.
  if (config.header) head += fields.map((f) => field(f.name)).join(config.delimiter) + eol;
  if (head) yield head;
  for await (const batch of input.batches()) {
    signal.throwIfAborted();
    const columns = batch.data.children;
    let text = '';
    for (let i = 0; i < batch.numRows; i++) {
      for (let c = 0; c < fields.length; c++) text += (c ? config.delimiter : '') + field(encode[c](columns[c], i));
      text += eol;
    }
    counted(batch.numRows);
    if (text) yield text;
  }
}
