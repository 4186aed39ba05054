import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';

/** The pid of a process that has exited (a killed writer's). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('temp files of killed writers', () => {
  it.each([
    ['writeFileAtomic', (path: string) => writeFileAtomic(path, 'new')],
    ['writeFileAtomicSync', (path: string) => writeFileAtomicSync(path, 'new')],
  ])('%s removes those of dead processes beside its target, and nothing else', async (_, write) => {
    const dir = mkdtempSync(join(tmpdir(), 'stale-'));
    const dead = deadPid();
    const files = {
      killed: `.out.parquet.${dead}.3fa9c1.tmp`,
      killedOldStyle: `.out.parquet.${dead}.1733400000000.tmp`,
      live: `.out.parquet.${process.pid}.77aa01.tmp`,
      otherTarget: `.other.parquet.${dead}.3fa9c1.tmp`,
      unrelated: 'notes.tmp',
    };
    for (const name of Object.values(files)) writeFileSync(join(dir, name), 'partial');
    await write(join(dir, 'out.parquet'));
    expect(readdirSync(dir).sort()).toEqual([files.live, files.otherTarget, 'notes.tmp', 'out.parquet'].sort());
  });
});
