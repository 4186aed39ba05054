import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFlow } from '@pypeline/core';

/** This package's folder: its parents' node_modules hold the workspace's modules. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

export const TOKEN = 'test-token-0123456789';

/** A jobs folder with `csv_to_parquet` (CSV at `{{context.input}}` → Parquet in `{{context.out}}`), declaring a context schema. */
export function jobsFolder(): { jobsDir: string; dataDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'pype-serve-'));
  const dataDir = join(root, 'data');
  writeFileSync(join(root, 'people.csv'), 'id,name,age\n1,ada,36\n2,bob,17\n3,cy,52\n');
  const flow = (name: string, extra: string) => `flow:
  name: ${name}
context:
  default:
    input: ${JSON.stringify(join(root, 'people.csv'))}
    out: ${JSON.stringify(dataDir)}
    batch: 1
${extra}modules:
  - id: read
    name: csv_source
    configs: { required: { file_path: "{{context.input}}" } }
  - id: write
    name: parquet_sink
    configs: { required: { output_path: "{{context.out}}/batch_{{context.batch}}.parquet" } }
connections:
  data: ["read.data - write.input"]
`;
  const schema = `context_schema:
  type: object
  required: [batch]
  properties:
    batch: { type: integer, minimum: 1 }
    mode: { enum: [full, delta] }
`;
  const jobsDir = join(root, 'jobs');
  for (const [name, extra] of [['csv_to_parquet', schema], ['bad_schema', '']]) {
    writeFileSync(join(root, `${name}.yaml`), flow(name, extra));
    buildFlow(join(root, `${name}.yaml`), { searchDirs: [PACKAGE_DIR], outDir: jobsDir });
  }
  // A build refuses a broken context_schema, so this job's copy of its flow is edited afterwards.
  writeFileSync(join(jobsDir, 'bad_schema', 'bad_schema.yaml'), flow('bad_schema', 'context_schema:\n  type: 12\n'));
  return { jobsDir, dataDir };
}

/** Reads a whole SSE response into its messages. */
export async function readSse(res: Response): Promise<Array<{ id?: string; event: string; data: any }>> {
  const text = await res.text();
  return text.split('\n\n').filter((b) => b.trim() && !b.startsWith(':')).map((block) => {
    const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
    return { id: field('id'), event: field('event') ?? 'message', data: JSON.parse(field('data') ?? 'null') };
  });
}

/** A response's JSON body, untyped (tests read fields they assert on). */
export async function json(res: Response): Promise<any> {
  return res.json();
}
