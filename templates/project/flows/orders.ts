// The TypeScript twin of orders.yaml:  npx pype run flows/orders.ts
// A misspelled config key, a wrong value type or a port that does not exist is a type error.
import { flow } from '@pypeline/core';
import { aggregateMod } from '@pypeline/mod-aggregate-mod/flow';
import { csvSource } from '@pypeline/mod-csv-source/flow';
import { deriveMod } from '@pypeline/mod-derive-mod/flow';
import { filterMod } from '@pypeline/mod-filter-mod/flow';
import { logMessage } from '@pypeline/mod-log-message/flow';
import { parquetSink } from '@pypeline/mod-parquet-sink/flow';
import { sortMod } from '@pypeline/mod-sort-mod/flow';

export interface Context {
  /** Folder holding orders.csv */
  data_dir: string;
  /** Folder the Parquet file is written to */
  out_dir: string;
}

const f = flow<Context>({ name: 'orders_ts', version: '1.0.0' }).context('default', { data_dir: 'data', out_dir: 'out' });

const orders = f.add(csvSource('orders', { file_path: '{{context.data_dir}}/orders.csv' }));
const priced = f.add(filterMod('priced', { condition: 'amount IS NOT NULL' }));
const labelled = f.add(deriveMod('labelled', {
  columns: {
    size: "CASE WHEN amount >= 100 THEN 'large' ELSE 'small' END",
    month: "strftime(ordered_at, '%Y-%m')",
  },
}));
const perCustomer = f.add(aggregateMod('per_customer', {
  group_by: ['customer', 'country'],
  aggregates: { orders: 'count(*)', total: 'sum(amount)', last_order: 'max(ordered_at)' },
}));
const ranked = f.add(sortMod('ranked', { by: ['total desc'] }));
const save = f.add(parquetSink('save', { output_path: '{{context.out_dir}}/customers_ts.parquet' }));
const report = f.add(logMessage('report', { message: 'wrote {{save__row_count}} customers to {{save__output_path}}' }));

f.data(orders.out('data'), priced.in('input'))
  .data(priced.out('output'), labelled.in('input'))
  .data(labelled.out('output'), perCustomer.in('input'))
  .data(perCustomer.out('output'), ranked.in('input'))
  .data(ranked.out('output'), save.in('input'))
  .control(save, report, { order: 'Last' });

export default f;
