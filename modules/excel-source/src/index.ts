import { checkInput, resolvePath } from '@pypeline/object-store';
import { defineModule, ModuleError, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config, type ResolvedConfig } from './config.js';
import { configProblems, unknownColumns } from './config-problems.js';
import { readSheet, type SheetTable } from './read-sheet.js';

export type { Config, ExcelColumnType } from './config.js';

export default defineModule<Config>({
  name: 'excel_source',
  type: 'source',
  description: 'Streams a sheet of an .xlsx workbook as Arrow record batches: a sheet by name or position, a header row, a range, types from the cells',
  category: 'File Sources',
  outputPorts: ['data'],
  globals: ['row_count', 'error_cell_count', 'sheet'],
  outputSchemas: excelSchemas,
  check: ({ config, signal }) => checkInput(config.file_path, 'file_path', config, signal),
  async run(_inputs, ctx) {
    const config = resolved(ctx.config);
    const table = await open(config, ctx.signal);
    const path = resolvePath(config.file_path);
    async function* batches() {
      yield* table.batches;
      const { rows, errorCells, ignoredCells } = table.stats;
      ctx.setGlobal('row_count', rows);
      ctx.setGlobal('error_cell_count', errorCells);
      ctx.setGlobal('sheet', table.sheet);
      if (errorCells > 0) ctx.logger.warn(`${errorCells} error cells (#N/A, #DIV/0!, ...) read as null`, { path, sheet: table.sheet });
      if (ignoredCells > 0) ctx.logger.warn(`${ignoredCells} cells right of the last column were left out; set range to read them`, { path, sheet: table.sheet });
      ctx.logger.info('read Excel sheet', { path, sheet: table.sheet, rows, columns: table.schema.fields.length });
    }
    ctx.setGlobal('sheet', table.sheet);
    return { data: { schema: table.schema, [Symbol.asyncIterator]: batches } };
  },
});

function resolved(config: Config): ResolvedConfig {
  return { ...DEFAULTS, ...config } as ResolvedConfig;
}

/** Opens the sheet after checking the options, every problem in one error. */
async function open(config: ResolvedConfig, signal: AbortSignal): Promise<SheetTable> {
  const { problems, range } = configProblems(config);
  if (problems.length > 0 || !range) throw configError(problems);
  const table = await readSheet(resolvePath(config.file_path), config, range, signal);
  const unknown = unknownColumns(config, table.schema.names as string[]);
  if (unknown.length > 0) {
    await table.close();
    throw configError(unknown);
  }
  return table;
}

function configError(problems: ConfigIssue[]): ModuleError {
  return new ModuleError(`excel_source: ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, {
    retryable: false,
    hint: problems.map((p) => p.hint).filter(Boolean).join('; '),
  });
}

/** The header and the column types the run will use, from the header row and the sample; no batch is built. */
async function excelSchemas({ config: raw, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const config = resolved(raw);
  const { problems, range } = configProblems(config);
  if (problems.length > 0 || !range) return { problems };
  const table = await readSheet(resolvePath(config.file_path), config, range, signal);
  await table.close();
  return { outputs: { data: table.schema }, problems: unknownColumns(config, table.schema.names as string[]) };
}
