import { join } from 'node:path';

/** The files of a job folder, as the spec names them. */
export function jobFiles(jobDir: string, name: string) {
  return {
    flow: join(jobDir, `${name}.yaml`),
    dag: join(jobDir, `${name}_dag.json`),
    metadata: join(jobDir, `${name}_execution_metadata.json`),
    context: (env: string) => join(jobDir, 'context', `${name}_${env}.json`),
  };
}
