import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJob } from '@pypeline/core';
import { exclusiveResources } from './exclusive-resources.js';
import { SharedDirectoryStore } from './shared-artifacts.js';
import { napFlow, napProject } from './testing/fixture-project.js';
import { buildJob } from './testing/jobs.js';

describe('exclusiveResources', () => {
  it('maps each sub flow to the resources its modules lock: `true` is the module itself, a string is shared', () => {
    const project = napProject();
    const yaml = napFlow('ex', [{ id: 'a', ms: 1 }, { id: 'b', ms: 1, exclusive: true }, { id: 'c', ms: 1, exclusive: 'db.orders' }, { id: 'd', ms: 1, exclusive: false }], ['a (1|) b', 'a (1|) c', 'a (1|) d']);
    const job = loadJob(buildJob(project, 'ex', yaml, mkdtempSync(join(tmpdir(), 'pype-jobs-'))));
    const bySubflow = Object.fromEntries([...exclusiveResources(job)].map(([sf, r]) => [job.metadata.subflows.find((s) => s.id === sf)!.modules.join(), r]));
    expect(bySubflow).toEqual({ b: ['ex.b'], c: ['db.orders'] });
  });

  it('finds nothing in a flow that locks nothing, and reads a key spelt with escapes', () => {
    const project = napProject();
    const jobs = mkdtempSync(join(tmpdir(), 'pype-jobs-'));
    const plain = loadJob(buildJob(project, 'plain', napFlow('plain', [{ id: 'a', ms: 1 }, { id: 'b', ms: 1 }], ['a (1|) b']), jobs));
    expect(exclusiveResources(plain).size).toBe(0);
    const yaml = napFlow('esc', [{ id: 'a', ms: 1 }, { id: 'b', ms: 1, exclusive: true }], ['a (1|) b']).replace('exclusive:', '"\\x65xclusive":');
    expect(yaml).not.toContain('exclusive:');
    const escaped = loadJob(buildJob(project, 'esc', yaml, jobs));
    expect([...exclusiveResources(escaped).values()]).toEqual([['esc.b']]);
  });
});

describe('SharedDirectoryStore', () => {
  it('says the artifact folder must be shared when the coordinator cannot see a worker\'s file', async () => {
    await expect(new SharedDirectoryStore().fetch({ 'files.data': '/nowhere/list.parquet' })).rejects.toThrow(/this machine cannot see that file/);
  });
});
