import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { count } from '../aggregates.js';
import { streamApp } from '../app.js';
import type { Row } from '../arrow-rows.js';
import { collectSink, memorySource } from '../connectors/memory.js';
import { tumbling } from '../windows.js';
import { runStream, type CheckpointPhase } from './run-stream.js';

const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({ k: `k${i % 3}`, ts: i * 100 }));

function app() {
  const a = streamApp('phases');
  a.source('in', memorySource(rows, { batchSize: 10 }), { eventTime: 'ts' })
    .keyBy('k').window(tumbling('1s')).aggregate({ n: count() }, { name: 'win' })
    .to(collectSink(), { name: 'out' });
  return a;
}

describe('runStream onCheckpointPhase', () => {
  it('is called at each phase of each checkpoint, in order, numbered from 1', async () => {
    const seen: Array<[CheckpointPhase, number]> = [];
    const result = await runStream(app(), { stateDir: mkdtempSync(join(tmpdir(), 'pype-phases-')), fsync: false, onCheckpointPhase: (phase, n) => void seen.push([phase, n]) });
    expect(result.checkpoints).toBeGreaterThan(0);
    expect(seen).toEqual(Array.from({ length: result.checkpoints }, (_, i) => [['flushed', i + 1], ['staged', i + 1], ['committed', i + 1]] as const).flat());
  });

  it('stops the run where it throws, and the next run recovers the checkpoint it interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-phases-'));
    const crash = (phase: CheckpointPhase) => {
      if (phase === 'staged') throw new Error('died after staging');
    };
    await expect(runStream(app(), { stateDir: dir, fsync: false, onCheckpointPhase: crash })).rejects.toThrow('died after staging');
    const logs: string[] = [];
    const again = await runStream(app(), { stateDir: dir, fsync: false, log: (_level, message) => void logs.push(message) });
    // No sink here commits transactionally, so the staged checkpoint is complete: it is finished.
    expect(logs).toContain('finished checkpoint 1, interrupted by the previous run');
    expect(again.restoredFrom).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
