import { join } from 'node:path';

/** The files of a job folder, as the spec names them. */
export function jobFiles(jobDir: string, name: string) {
  return {
    flow: join(jobDir, `${name}.yaml`),
    dag: join(jobDir, `${name}_dag.json`),
    metadata: join(jobDir, `${name}_execution_metadata.json`),
    /** The schema on each data connection, as `pype build` found it. */
    schemas: join(jobDir, `${name}_schemas.json`),
    context: (env: string) => join(jobDir, 'context', `${name}_${env}.json`),
  };
}
