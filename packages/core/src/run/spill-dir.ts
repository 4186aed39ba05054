import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SPILL_PREFIX = 'pypeline_';
export const SPILL_OWNER_FILE = 'owner.json';

/** A temp folder for spilled artifacts, tagged with its owner so `pype clean` can find orphans. */
export function createSpillDir(): string {
  const dir = mkdtempSync(join(tmpdir(), SPILL_PREFIX));
  writeFileSync(join(dir, SPILL_OWNER_FILE), JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
  return dir;
}
