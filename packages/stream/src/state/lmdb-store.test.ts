import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, expect, it } from 'vitest';
import { LmdbStateStore } from './lmdb-store.js';
import type { CheckpointMeta } from './state-store.js';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'pype-intake-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('numbers the records of grouped appends one by one, reads any range of them and continues after a reopen', async () => {
  const at = dir();
  const store = new LmdbStateStore(at, { fsync: false });
  const log = store.intake('in');
  expect(log.append(['a', 'b', 'c'])).toBe(3);
  expect(log.append([])).toBe(3);
  expect(log.append(['d'])).toBe(4);
  expect(log.append(['e', 'f'])).toBe(6);
  expect(log.read(0, 10)).toEqual({ records: ['a', 'b', 'c', 'd', 'e', 'f'], last: 6 });
  expect(log.read(1, 2)).toEqual({ records: ['b', 'c'], last: 3 }); // starts and ends inside groups
  expect(log.read(2, 3)).toEqual({ records: ['c', 'd', 'e'], last: 5 });
  expect(log.read(6, 10)).toEqual({ records: [], last: 6 });
  await store.close();

  const again = new LmdbStateStore(at, { fsync: false });
  expect(again.intake('in').lastSeq()).toBe(6);
  expect(again.intake('in').append(['g'])).toBe(7);
  expect(again.intake('in').read(5, 10)).toEqual({ records: ['f', 'g'], last: 7 });
  await again.close();
});

it('trims the groups a checkpoint consumed; a group it consumed in part is read from the position on', async () => {
  const at = dir();
  const store = new LmdbStateStore(at, { fsync: false });
  const log = store.intake('in');
  log.append(['a', 'b']);
  log.append(['c', 'd', 'e']);
  const meta: CheckpointMeta = { id: 1, time: 0, topology: 't', positions: { in: 4 }, watermarks: {} };
  await store.stage({ meta, delta: { puts: [], deletes: [], trims: { in: 4 } } });
  await store.applyStaged();
  expect(log.read(4, 10)).toEqual({ records: ['e'], last: 5 });
  expect(log.read(0, 10).records).toEqual(['c', 'd', 'e']); // the first group is gone
  await store.close();
});

it('reads a log written before grouped appends (one bare record per entry)', async () => {
  const at = dir();
  const env = open({ path: join(at, 'intake.mdb'), noSync: true });
  const db = env.openDB({ name: 'intake' });
  for (const [seq, r] of [[1, { t: 'x', p: 'one' }], [2, { t: 'x', p: 'two' }]] as const) db.putSync(['in', seq], r);
  await env.close();
  const store = new LmdbStateStore(at, { fsync: false });
  const log = store.intake('in');
  expect(log.lastSeq()).toBe(2);
  expect(log.append([{ t: 'x', p: 'three' }])).toBe(3);
  expect(log.read(1, 10)).toEqual({ records: [{ t: 'x', p: 'two' }, { t: 'x', p: 'three' }], last: 3 });
  await store.close();
});
