import { describe, expect, it } from 'vitest';
import { alreadyLoadedMessage, loadKeyOf, loadOnce, type LedgerSession, type LoadKey } from './load-ledger.js';

/** A ledger in memory that records the order of the session's steps. */
function memorySession(committed: Map<string, number> = new Map()) {
  const steps: string[] = [];
  let pending: { key: string; rows: number } | undefined;
  const id = (key: LoadKey) => `${key.runId}/${key.nodeKey}`;
  const session: LedgerSession = {
    begin: async () => void steps.push('begin'),
    commit: async () => {
      steps.push('commit');
      if (pending) committed.set(pending.key, pending.rows);
      pending = undefined;
    },
    rollback: async () => {
      steps.push('rollback');
      pending = undefined;
    },
    claim: async (key) => {
      steps.push('claim');
      if (committed.has(id(key))) return false;
      pending = { key: id(key), rows: 0 };
      return true;
    },
    read: async (key) => ({ rows: committed.get(id(key))!, committedAt: '2024-01-31 10:00:00+00' }),
    record: async (_key, rows) => {
      steps.push(`record ${rows}`);
      pending!.rows = rows;
    },
  };
  return { session, steps, committed };
}

describe('loadOnce', () => {
  const key = loadKeyOf({ runId: 'run-a', nodeId: 'load#2' });

  it('claims, loads, records the count and commits, in that order, in one transaction', async () => {
    const { session, steps, committed } = memorySession();
    expect(await loadOnce(session, key, 't', async () => 3)).toEqual({ rows: 3 });
    expect(steps).toEqual(['begin', 'claim', 'record 3', 'commit']);
    expect(committed.get('run-a/load#2')).toBe(3);
  });

  it('skips a load the same run committed, with its recorded count, and loads nothing', async () => {
    const { session, steps } = memorySession(new Map([['run-a/load#2', 7]]));
    let loaded = false;
    const outcome = await loadOnce(session, key, 't', async () => {
      loaded = true;
      return 1;
    });
    expect(outcome).toEqual({ rows: 7, earlier: { rows: 7, committedAt: '2024-01-31 10:00:00+00' } });
    expect(loaded).toBe(false);
    expect(steps).toEqual(['begin', 'claim', 'rollback']);
    expect(alreadyLoadedMessage('run-a', outcome.earlier!)).toBe('already loaded: the interrupted run run-a committed this load at 2024-01-31 10:00:00+00; not loading it again');
  });

  it('rolls back and rethrows when the load fails, leaving no record, so a retry loads', async () => {
    const { session, steps, committed } = memorySession();
    await expect(loadOnce(session, key, 't', async () => Promise.reject(new Error('bad value')))).rejects.toThrow('bad value');
    expect(steps).toEqual(['begin', 'claim', 'rollback']);
    expect(committed.size).toBe(0);
    expect(await loadOnce(session, key, 't', async () => 2)).toEqual({ rows: 2 });
  });
});
