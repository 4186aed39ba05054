import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, expect, it } from 'vitest';
import { stateDirs } from '../testing/state-dirs.js';
import { LmdbStateStore } from './lmdb-store.js';
import type { CheckpointMeta } from './state-store.js';

const dirs = stateDirs('intake');
const dir = () => dirs.make();
afterEach(dirs.clean);

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

it('trims what a checkpoint consumed; a group it consumed in part is read from the position on', async () => {
  const at = dir();
  const store = new LmdbStateStore(at, { fsync: false });
  const log = store.intake('in');
  log.append(['a', 'b']);
  log.append(['c', 'd', 'e']);
  const meta: CheckpointMeta = { id: 1, time: 0, topology: 't', positions: { in: 4 }, watermarks: {} };
  await store.stage({ meta, delta: { puts: [], deletes: [], trims: { in: 4 } } });
  await store.applyStaged();
  expect(log.read(4, 10)).toEqual({ records: ['e'], last: 5 });
  // Once a checkpoint consumed everything, the files hold nothing but the next number.
  const all: CheckpointMeta = { id: 2, time: 0, topology: 't', positions: { in: 5 }, watermarks: {} };
  await store.stage({ meta: all, delta: { puts: [], deletes: [], trims: { in: 5 } } });
  await store.applyStaged();
  expect(readdirSync(join(at, 'intake', 'source-in'))).toEqual(['0000000000000006.log']);
  expect(log.append(['f'])).toBe(6);
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

it('moves an intake log kept in LMDB by an earlier version into the file log: numbers, gaps, trimmed floor; once', async () => {
  const at = dir();
  const env = open({ path: join(at, 'intake.mdb'), noSync: true });
  const db = env.openDB({ name: 'intake' });
  db.putSync(['in', 0], 2); // trimmed up to 2
  db.putSync(['in', 4], ['c', 'd']); // a group of 3 and 4 (its first record, 3, was consumed in part: kept whole)
  db.putSync(['in', 9], ['i']); // after a skipTo: 5 to 8 hold nothing
  db.putSync(['in', 11], [{ t: 'x', p: Buffer.from('j') }, 'k']);
  db.putSync(['other', 1], ['stays']);
  await env.close();

  const store = new LmdbStateStore(at, { fsync: false });
  const log = store.intake('in');
  expect(log.lastSeq()).toBe(11);
  expect(log.read(2, 100)).toEqual({ records: ['c', 'd', 'i', { t: 'x', p: Buffer.from('j') }, 'k'], last: 11 });
  expect(log.read(4, 1)).toEqual({ records: ['i'], last: 9 });
  expect(log.append(['l'])).toBe(12);
  await store.close();

  // Moved once: the LMDB log no longer holds the source, another source's log is left for it.
  const check = open({ path: join(at, 'intake.mdb'), noSync: true });
  const keys = [...check.openDB({ name: 'intake' }).getKeys()] as Array<[string, number]>;
  expect(keys.map((k) => k[0])).toEqual(['other']);
  await check.close();
  const again = new LmdbStateStore(at, { fsync: false });
  expect(again.intake('in').read(0, 100).records).toEqual(['c', 'd', 'i', { t: 'x', p: Buffer.from('j') }, 'k', 'l']);
  expect(again.intake('other').read(0, 10)).toEqual({ records: ['stays'], last: 1 });
  await again.close();
});

it('keeps each source in a folder of its own, whatever its id', async () => {
  const at = dir();
  const store = new LmdbStateStore(at, { fsync: false });
  for (const id of ['..', '../escape', 'a/b', 'with space']) store.intake(id).append([id]);
  for (const id of ['..', '../escape', 'a/b', 'with space']) expect(store.intake(id).read(0, 10).records).toEqual([id]);
  await store.close();
  expect(readdirSync(join(at, 'intake')).sort()).toEqual(['source-..', 'source-..%2Fescape', 'source-a%2Fb', 'source-with%20space']);
  expect(readdirSync(at).filter((n) => n.startsWith('intake'))).toEqual(['intake']); // no intake.mdb any more
});
