/**
 * A bench flow: `csv_source → <step> → parquet_sink`, the step given by module name and required
 * config (YAML flow text); `memoryBudget` sets `settings.spill.memory_budget`. With `rightCsv`
 * a second csv_source feeds the step's `right` port and the first its `left` (a join).
 */
export function benchFlowYaml(flow: string, csv: string, output: string, threads: number, step: { id: string; name: string; required: string }, memoryBudget?: string, rightCsv?: string): string {
  const right = rightCsv
    ? `  - id: read_right
    name: csv_source
    configs:
      required: { file_path: "${rightCsv}" }
`
    : '';
  const inputs = rightCsv ? `    - "read.data - ${step.id}.left"\n    - "read_right.data - ${step.id}.right"\n` : `    - "read.data - ${step.id}.input"\n`;
  return `flow:
  name: ${flow}
settings:
  threads: ${threads}
${memoryBudget ? `  spill: { memory_budget: "${memoryBudget}" }\n` : ''}modules:
  - id: read
    name: csv_source
    configs:
      required: { file_path: "${csv}" }
${right}  - id: ${step.id}
    name: ${step.name}
    configs:
      required: ${step.required}
  - id: write
    name: parquet_sink
    configs:
      required: { output_path: "${output}" }
connections:
  data:
${inputs}    - "${step.id}.output - write.input"
`;
}
