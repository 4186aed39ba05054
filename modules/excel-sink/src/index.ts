import { checkOutput, openOutput, resolvePath } from '@pypeline/object-store';
import { defineModule, ModuleError, requireInput, fileWriteError } from '@pypeline/sdk';
import { DEFAULTS, type Config, type ResolvedConfig } from './config.js';
import { configProblems } from './config-problems.js';
import { writeWorkbook } from './write-workbook.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'excel_sink',
  type: 'sink',
  description: 'Streams its input into an .xlsx workbook (local or s3://), one sheet or one per value of a column, with native Excel types and a styled header; atomic',
  category: 'File Sinks',
  inputPorts: ['input'],
  globals: ['row_count', 'output_path', 'sheet_count'],
  outputSchemas: ({ config, inputs }) => ({ problems: configProblems(resolved(config), inputs.input) }),
  check: ({ config, signal }) => checkOutput(config.output_path, 'output_path', config, signal),
  async run(inputs, ctx) {
    const config = resolved(ctx.config);
    const input = requireInput(inputs, 'input', 'excel_sink', 'connect a data edge to it, e.g. "source.data - sink.input"');
    const problems = configProblems(config, input.schema);
    if (problems.length > 0) {
      throw new ModuleError(`excel_sink: ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, { retryable: false, hint: problems.map((p) => p.hint).filter(Boolean).join('; ') });
    }
    const path = resolvePath(config.output_path);
    const file = await openOutput(path, config).catch((error: unknown) => {
      throw error instanceof ModuleError ? error : fileWriteError('Excel', path, error);
    });
    let written;
    try {
      written = await writeWorkbook(file, input.schema, input.batches(), config, ctx.signal);
      await file.commit();
    } catch (error) {
      await file.abort();
      if (error instanceof ModuleError || ctx.signal.aborted) throw error;
      throw fileWriteError('Excel', path, error);
    }
    for (const [column, count] of Object.entries(written.asText)) {
      ctx.logger.warn(`column ${column}: ${count} values written as text, since Excel keeps numbers as doubles and they would lose digits (64-bit integers past 2^53, decimals of more than 15 digits)`, { path });
    }
    ctx.setGlobal('row_count', written.rows);
    ctx.setGlobal('output_path', path);
    ctx.setGlobal('sheet_count', written.sheets.length);
    ctx.logger.info('wrote Excel workbook', { path, rows: written.rows, sheets: written.sheets.length, bytes: file.size });
  },
});

function resolved(config: Config): ResolvedConfig {
  return { ...DEFAULTS, ...config } as ResolvedConfig;
}

