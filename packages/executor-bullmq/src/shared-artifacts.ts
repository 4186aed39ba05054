import { existsSync, rmSync } from 'node:fs';
import { PypeError, type SubflowTask } from '@pypeline/core';

/**
 * How the few artifacts that cross sub flows (the lists ITERATE edges loop over) travel from a
 * worker to the coordinator. The engine writes them as Parquet files into a folder and reads
 * them back from paths; a store decides where that folder is and how files get across.
 *
 * - A shared directory (the default) writes straight into `task.artifactDir` on storage both
 *   sides mount; publish and fetch only check.
 * - An S3-compatible store would stage in a local temp folder, upload in `publish` (returning
 *   `s3://bucket/key` references), download to a local temp file in `fetch`, and delete the
 *   objects in `discard`. Both sides must be configured with the same store.
 */
export interface SharedArtifactStore {
  /** Worker: the local folder the engine writes this task's list artifacts into. */
  stagingDir(task: SubflowTask): string;
  /** Worker: makes written files reachable by the coordinator; returns the references to send back. */
  publish(files: Record<string, string>): Promise<Record<string, string>>;
  /** Coordinator: local paths the engine can read, for the references a worker sent. */
  fetch(refs: Record<string, string>): Promise<Record<string, string>>;
  /** Coordinator: removes what a run no longer needs, once it has ended. */
  discard(refs: string[]): Promise<void>;
}

/** A folder on storage shared by the coordinator and every worker (NFS, SMB, a cluster volume). */
export class SharedDirectoryStore implements SharedArtifactStore {
  stagingDir(task: SubflowTask): string {
    return task.artifactDir;
  }

  async publish(files: Record<string, string>): Promise<Record<string, string>> {
    return files;
  }

  async fetch(refs: Record<string, string>): Promise<Record<string, string>> {
    for (const [key, file] of Object.entries(refs)) {
      if (!existsSync(file)) {
        throw new PypeError(`a worker wrote the list of ${key} to ${file}, but this machine cannot see that file`, {
          hint: 'the job folder (and its artifacts/ folder, or --artifact-dir) must be on storage shared by the coordinator and every worker, at the same path',
        });
      }
    }
    return refs;
  }

  async discard(refs: string[]): Promise<void> {
    for (const file of refs) rmSync(file, { force: true });
  }
}
