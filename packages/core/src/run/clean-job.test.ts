import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { cleanJob } from './clean-job.js';
import { SPILL_OWNER_FILE, SPILL_PREFIX } from './spill-dir.js';

describe('pype clean', () => {
  it('removes a leftover checkpoint, a stale lock, logs on request and orphaned spill folders', () => {
    const { jobDir } = buildFlow(writeFlow(flowYaml({ modules: '  - id: a\n    name: sleep_solo\n    configs:\n      required:\n        ms: 1' })), {
      searchDirs: [fixtureProject()],
      outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')),
    });
    mkdirSync(join(jobDir, 'checkpoint'));
    writeFileSync(join(jobDir, 'checkpoint', 'state.json'), '{}');
    mkdirSync(join(jobDir, 'logs'));
    writeFileSync(join(jobDir, '.pype.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: 'x', runId: 'r', started: '' }));
    const orphan = mkdtempSync(join(tmpdir(), SPILL_PREFIX));
    writeFileSync(join(orphan, SPILL_OWNER_FILE), JSON.stringify({ pid: 2 ** 22 + 12346 }));
    const mine = mkdtempSync(join(tmpdir(), SPILL_PREFIX));
    writeFileSync(join(mine, SPILL_OWNER_FILE), JSON.stringify({ pid: process.pid }));

    const removed = cleanJob(jobDir, { logs: false });
    expect(removed).toEqual(expect.arrayContaining([join(jobDir, '.pype.lock'), join(jobDir, 'checkpoint'), orphan]));
    expect(existsSync(join(jobDir, 'logs'))).toBe(true);
    expect(existsSync(mine)).toBe(true);
    expect(cleanJob(jobDir, { logs: true })).toContain(join(jobDir, 'logs'));
  });

  it('refuses while a run holds the lock', () => {
    const { jobDir } = buildFlow(writeFlow(flowYaml({ modules: '  - id: a\n    name: sleep_solo\n    configs:\n      required:\n        ms: 1' })), {
      searchDirs: [fixtureProject()],
      outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')),
    });
    writeFileSync(join(jobDir, '.pype.lock'), JSON.stringify({ pid: process.pid }));
    expect(() => cleanJob(jobDir, { logs: false })).toThrow(/is running/);
  });
});
