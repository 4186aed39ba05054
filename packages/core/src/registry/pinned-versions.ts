import { PypeError } from '../errors.js';
import { loadJob } from '../run/load-job.js';
import type { DagNode } from '../plan/types.js';
import type { JsonSchema } from '@pypeline/sdk';

/** The version a module's config was written for. */
export interface Pin {
  version: string;
  /** The config schema of that version, when known from a built job. */
  json_schema?: JsonSchema;
}

export interface Pins {
  pinFor(spec: { id: string; name: string }, installedPackage: string): Pin | { reason: string };
}

/**
 * The versions a flow was written for: a built job's DAG (which pins every node), overridden
 * by explicit `from` versions keyed by module id, module name or package.
 */
export function readPins(jobDir: string | undefined, from: Record<string, string>, file: string): Pins {
  if (!jobDir && Object.keys(from).length === 0) {
    throw new PypeError(`cannot tell which module versions ${file} was written for`, {
      hint: 'pass --job <job folder> (a job built from this flow by `pype build`), or --from <module>=<version> for each module',
    });
  }
  const nodes: Record<string, DagNode> = jobDir ? loadJob(jobDir).dag.nodes : {};
  return {
    pinFor(spec, installedPackage) {
      const explicit = from[spec.id] ?? from[spec.name] ?? from[installedPackage];
      if (explicit !== undefined) {
        if (!/^v?\d+(\.\d+){0,2}([-+].*)?$/.test(explicit)) return { reason: `--from ${explicit} is not a version: write e.g. 1 or 1.4.2` };
        return { version: explicit.replace(/^v/, '') };
      }
      const node = nodes[spec.id];
      if (!node) return { reason: jobDir ? `not in the job ${jobDir} (added after it was built?)` : 'no --from version given' };
      if (node.package !== installedPackage) {
        return { reason: `the job pins ${node.package}, but the flow now resolves to ${installedPackage}: nothing to migrate between different packages` };
      }
      return { version: node.version, json_schema: node.json_schema };
    },
  };
}
