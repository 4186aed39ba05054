import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PypeError } from '../errors.js';
import { errorCode } from '@pypeline/sdk';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  runId: string;
}

export const LOCK_FILE = '.pype.lock';

/**
 * Takes the job folder's run lock, so two runs of one job cannot interleave. A lock left by
 * a process that no longer exists on this host is stale and taken over (`onStale` is told).
 */
export function acquireJobLock(jobDir: string, runId: string, onStale: (info: LockInfo) => void): () => void {
  const path = join(jobDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), runId };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(mine));
      closeSync(fd);
      return () => releaseIfMine(path, runId);
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    const holder = readLock(path);
    if (holder && isAlive(holder)) {
      throw new PypeError(`job ${jobDir} is already running (run ${holder.runId}, pid ${holder.pid} on ${holder.host}, since ${holder.started})`, {
        hint: `wait for that run to finish; if it is gone (e.g. another machine crashed), remove ${path}`,
      });
    }
    if (holder) onStale(holder);
    rmSync(path, { force: true });
  }
  throw new PypeError(`cannot take the run lock ${path}`, { hint: `remove ${path} if no run of this job is active` });
}

function readLock(path: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null; // unreadable = half-written by a crashed process: stale
  }
}

/** Only a same-host lock can be checked; a lock from another host is assumed alive. */
function isAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

function releaseIfMine(path: string, runId: string): void {
  if (readLock(path)?.runId === runId) rmSync(path, { force: true });
}
