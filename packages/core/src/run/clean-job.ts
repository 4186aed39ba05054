import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PypeError } from '../errors.js';
import { CHECKPOINT_DIR } from './checkpoint.js';
import { LOCK_FILE } from './job-lock.js';
import { loadJob } from './load-job.js';
import { SPILL_PREFIX, SPILL_OWNER_FILE } from './spill-dir.js';
import { errorCode } from '@pypeline/sdk';

/**
 * `pype clean <job>`: removes a leftover checkpoint, a stale lock, optionally the logs, and
 * spill folders in the temp dir whose owning process is gone. Refuses while a run is active.
 */
export function cleanJob(dir: string, options: { logs: boolean }): string[] {
  const job = loadJob(dir);
  const removed: string[] = [];
  const lock = join(job.dir, LOCK_FILE);
  if (existsSync(lock)) {
    const pid = readPid(lock);
    if (pid !== null && alive(pid)) throw new PypeError(`job ${dir} is running (pid ${pid})`, { hint: 'wait for the run to finish before cleaning' });
    rmSync(lock, { force: true });
    removed.push(lock);
  }
  for (const sub of [CHECKPOINT_DIR, ...(options.logs ? ['logs'] : [])]) {
    const path = join(job.dir, sub);
    if (existsSync(path)) {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(SPILL_PREFIX)) continue;
    const path = join(tmpdir(), name);
    const pid = readPid(join(path, SPILL_OWNER_FILE));
    if (pid !== null && !alive(pid)) {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  return removed;
}

function readPid(file: string): number | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')).pid;
    return Number.isInteger(v) ? v : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}
