// Mistakes the generated factories turn into compile errors. `tsc -p examples` fails if any
// line marked @ts-expect-error compiles, so this file is the type-level test of the factories.
import { flow } from '@pypeline/core';
import { csvSource } from '@pypeline/mod-csv-source/flow';
import { filterMod } from '@pypeline/mod-filter-mod/flow';
import { parquetSink } from '@pypeline/mod-parquet-sink/flow';

interface Context {
  data_dir: string;
}

const f = flow<Context>({ name: 'typed_errors' });
const read = f.add(csvSource('read', { file_path: '{{context.data_dir}}/people.csv', sample_rows: '{{context.rows}}' }));
const keep = f.add(filterMod('keep', { condition: 'age > 18' }));
const write = f.add(parquetSink('write', { output_path: 'out/adults.parquet' }));
f.data(read.out('data'), keep.in('input')).data(keep.out('output'), write.in('input'));

// @ts-expect-error misspelled config key (file_path)
csvSource('a', { file_pth: 'people.csv' });
// @ts-expect-error wrong value type (header is a boolean)
csvSource('b', { file_path: 'people.csv', header: 'yes' });
// @ts-expect-error a value outside the declared union (on_error: fail | skip | reject)
csvSource('c', { file_path: 'people.csv', on_error: 'ignore' });
// @ts-expect-error missing required key (condition)
filterMod('d', {});
// @ts-expect-error output port that does not exist
f.data(read.out('dta'), keep.in('input'));
// @ts-expect-error a source has no input ports
read.in('input');
// @ts-expect-error a sink has no output ports
write.out('output');
// @ts-expect-error context values must match the flow's Context type
f.context('default', { data_dir: 3 });

export default f;
