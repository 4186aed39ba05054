/** A bench flow: `csv_source → <step> → parquet_sink`, the step given by module name and required config (YAML flow text); `memoryBudget` sets `settings.spill.memory_budget`. */
export function benchFlowYaml(flow: string, csv: string, output: string, threads: number, step: { id: string; name: string; required: string }, memoryBudget?: string): string {
  return `flow:
  name: ${flow}
settings:
  threads: ${threads}
${memoryBudget ? `  spill: { memory_budget: "${memoryBudget}" }\n` : ''}modules:
  - id: read
    name: csv_source
    configs:
      required: { file_path: "${csv}" }
  - id: ${step.id}
    name: ${step.name}
    configs:
      required: ${step.required}
  - id: write
    name: parquet_sink
    configs:
      required: { output_path: "${output}" }
connections:
  data:
    - "read.data - ${step.id}.input"
    - "${step.id}.output - write.input"
`;
}
