// The TypeScript twin of sample_etl.yaml: `pnpm pype run examples/sample_etl.ts`,
// `pnpm pype export examples/sample_etl.ts --yaml` prints the YAML it compiles to.
// A misspelled config key, a wrong value type or a port that does not exist is a type error.
import { flow, step } from '@pypeline/core';
import type { Config as CsvSource } from '@pypeline/mod-csv-source';
import type { Config as FilterMod } from '@pypeline/mod-filter-mod';
import type { Config as LogMessage } from '@pypeline/mod-log-message';
import type { Config as ParquetSink } from '@pypeline/mod-parquet-sink';

const csvSource = step<CsvSource, never, 'data'>('csv_source', { required: ['file_path'] });
const filterMod = step<FilterMod, 'input', 'output'>('filter_mod', { required: ['condition'] });
const parquetSink = step<ParquetSink, 'input', never>('parquet_sink', { required: ['output_path'] });
const logMessage = step<LogMessage, never, never>('log_message', { required: ['message'] });

interface Context extends Record<string, unknown> {
  data_dir: string;
  out_dir: string;
}

const f = flow<Context>({ name: 'sample_etl', version: '1.0.0', authors: ['developer'], created: '2025-01-15' })
  .settings({ timeout: 3600, retries: 1, fail_strategy: 'halt', execution_mode: 'batch', threads: 2 })
  .context('default', { data_dir: 'examples/data', out_dir: 'out' });

const source = f.add(csvSource('source_csv', { file_path: '{{context.data_dir}}/people.csv', encoding: 'utf-8' }));
const transform = f.add(filterMod('transform_data', { condition: 'age > 18' }));
const output = f.add(parquetSink('output_parquet', { output_path: '{{context.out_dir}}/adults.parquet' }));
const report = f.add(logMessage('report', { message: 'wrote {{output_parquet__row_count}} of {{source_csv__row_count}} rows to {{output_parquet__output_path}}' }));

f.data(source.out('data'), transform.in('input'))
  .data(transform.out('output'), output.in('input'))
  .control(source, transform, { order: 1 })
  .control(transform, output, { order: 2 })
  .control(output, report, { order: 'Last', condition: '{{output_parquet__row_count}} > 0' });

export default f;
