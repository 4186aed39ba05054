// examples/sample_etl.ts
import { flow } from "@pypeline/core";
import { csvSource } from "@pypeline/mod-csv-source/flow";
import { filterMod } from "@pypeline/mod-filter-mod/flow";
import { logMessage } from "@pypeline/mod-log-message/flow";
import { parquetSink } from "@pypeline/mod-parquet-sink/flow";
var f = flow({ name: "sample_etl", version: "1.0.0", authors: ["developer"], created: "2025-01-15" }).settings({ timeout: 3600, retries: 1, fail_strategy: "halt", execution_mode: "batch", threads: 2 }).context("default", { data_dir: "examples/data", out_dir: "out" });
var source = f.add(csvSource("source_csv", { file_path: "{{context.data_dir}}/people.csv", encoding: "utf-8" }));
var transform = f.add(filterMod("transform_data", { condition: "age > 18" }));
var output = f.add(parquetSink("output_parquet", { output_path: "{{context.out_dir}}/adults.parquet" }));
var report = f.add(logMessage("report", { message: "wrote {{output_parquet__row_count}} of {{source_csv__row_count}} rows to {{output_parquet__output_path}}" }));
f.data(source.out("data"), transform.in("input")).data(transform.out("output"), output.in("input")).control(source, transform, { order: 1 }).control(transform, output, { order: 2 }).control(output, report, { order: "Last", condition: "{{output_parquet__row_count}} > 0" });
var sample_etl_default = f;
export {
  sample_etl_default as default
};
