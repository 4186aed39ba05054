import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import type { Connection } from 'mysql2';
import { MemoryArtifact } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { connect, disconnect, execute, query } from '@pypeline/mysql';
import { describeWithService, mariadbTestConfig, uniqueName, until } from '@pypeline/test-services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import mysqlSink from './index.js';
import type { Config } from './config.js';

// A load killed at the two moments that matter, with SIGKILL (no cleanup runs): right after its
// COMMIT, before the run could record it, and in the middle of its rows. Resuming (the same run
// id) must then leave each row exactly once. The child imports the built module (dist/): the
// nx test target builds first; run `pnpm build` here before a bare `vitest run`.
const CHILD = fileURLToPath(new URL('../test/load-child.mjs', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const db = mariadbTestConfig();

function orders(n: number): Table {
  const ids = Array.from({ length: n }, (_, i) => i);
  return new Table({ id: vectorFromArray(ids, new Int32()), note: vectorFromArray(ids.map((i) => `order ${i}`), new Utf8()) });
}

function startLoad(config: Config, runId: string, rows: number): { child: ChildProcess; output: () => string; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, [CHILD, JSON.stringify({ config, runId, rows })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return { child, output: () => output, exited };
}

describeWithService('mariadb', 'mysql_sink killed with SIGKILL, then resumed', () => {
  const table = uniqueName('pype_killed');
  let connection: Connection;
  beforeAll(async () => {
    connection = await connect(db);
  });
  afterAll(async () => {
    await query(connection, `DROP TABLE IF EXISTS \`${table}\`, \`${table}_mid\``);
    await execute(connection, 'DELETE FROM pypeline_loads WHERE target LIKE ?', [`%${table}%`]);
    await disconnect(connection);
  });
  const count = async (t: string) => Number((await query(connection, `SELECT COUNT(*) FROM \`${t}\``)).rows[0][0]);
  const resume = async (config: Config, runId: string, rows: number) => {
    const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'load', runId });
    await mysqlSink.run({ input: new MemoryArtifact(orders(rows)) }, ctx);
    return ctx;
  };

  it('killed right after COMMIT: the resumed load finds its ledger row and loads nothing again', async () => {
    const config: Config = { ...db, table, create_table: true, key: ['id'] };
    const runId = `${table}-after-commit`;
    const load = startLoad(config, runId, 5000);
    await until(() => load.output().includes('loaded') || load.child.exitCode !== null, () => `the child to commit; output:\n${load.output()}`, 60_000);
    expect(load.output()).toBe('loaded 5000\n');
    load.child.kill('SIGKILL');
    expect(await load.exited).toBe('SIGKILL');

    const resumed = await resume(config, runId, 5000);
    expect(resumed.logs.map((l) => l.msg)).toEqual([expect.stringMatching(/^already loaded: the interrupted run .* committed this load at /)]);
    expect(resumed.globals.get('row_count')).toBe(5000);
    expect(await count(table)).toBe(5000);
  });

  it('killed in the middle of its rows: nothing of it stays, and the resumed load loads every row once', async () => {
    const target = `${table}_mid`;
    // insert with small statements: slow enough to be caught mid-way on any machine.
    const config: Config = { ...db, table: target, create_table: true, key: ['id'], method: 'insert', batch_size: 200 };
    const runId = `${table}-mid-load`;
    const rows = 100_000;
    const load = startLoad(config, runId, rows);
    // A reader that sees uncommitted rows watches the child's transaction fill the table.
    const dirty = await connect(db);
    await query(dirty, 'SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED');
    const midway = async () => Number((await query(dirty, `SELECT COUNT(*) FROM \`${target}\``).catch(() => ({ rows: [[0]] }))).rows[0][0]) > 2000;
    await until(async () => load.output() !== '' || (await midway()), () => `the child's load to be under way; output:\n${load.output()}`, 120_000);
    load.child.kill('SIGKILL');
    await disconnect(dirty);
    expect(await load.exited).toBe('SIGKILL');
    expect(load.output()).toBe('');
    // Committed: nothing of the killed load, rows or ledger row (the server rolls its transaction back).
    expect(await count(target)).toBe(0);
    expect((await execute(connection, 'SELECT COUNT(*) FROM pypeline_loads WHERE run_id = ? AND `rows` > 0', [runId])).rows[0][0]).toBe('0');

    const resumed = await resume(config, runId, rows);
    expect(resumed.logs.map((l) => l.msg)).toEqual(['loaded rows']);
    expect(await count(target)).toBe(rows);
    const ledger = await execute(connection, 'SELECT `rows` FROM pypeline_loads WHERE run_id = ?', [runId]);
    expect(ledger.rows).toEqual([[String(rows)]]);
  }, 240_000);
}, 120_000);
