import { describeWithService, postgresTestConfig } from '@pypeline/test-services';
import { ModuleError } from '@pypeline/sdk';
import { describe, expect, it } from 'vitest';
import { connect } from './connect.js';
import { postgresError } from './postgres-error.js';

describe('postgresError', () => {
  it('adds detail and context, a hint, and marks data errors not retryable', () => {
    const e = postgresError({ message: 'invalid input syntax for type integer: "x"', code: '22P02', where: 'COPY t, line 3, column n: "x"' }, 'cannot load');
    expect(e).toBeInstanceOf(ModuleError);
    expect(e.message).toBe('cannot load: invalid input syntax for type integer: "x"\n  COPY t, line 3, column n: "x"');
    expect(e.retryable).toBe(false);
    expect(e.hint).toMatch(/cast or clean/);
    expect(postgresError({ message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' }, 'x').retryable).toBe(true);
  });
});

describeWithService('postgres', 'connect', () => {
  const db = postgresTestConfig();

  it('connects in a UTC session and returns text values', async () => {
    const client = await connect(db);
    try {
      const r = await client.query("select now()::timestamptz::text as t, current_setting('TimeZone') as tz, 1::int8 as n");
      expect(r.rows[0].tz).toBe('UTC');
      expect(r.rows[0].n).toBe('1');
      expect(r.rows[0].t).toMatch(/\+00$/);
    } finally {
      await client.end();
    }
  });

  it('connects with a postgres:// URL too', async () => {
    const client = await connect(`postgres://${db.user}@${db.host}:${db.port}/${db.database}`);
    try {
      expect((await client.query('select current_database() as d')).rows[0].d).toBe(db.database);
    } finally {
      await client.end();
    }
  });

  it('names the server and database when the login fails', async () => {
    const error = await connect({ ...db, database: 'no_such_database_pype' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:5432 \(database "no_such_database_pype", user "postgres"\): database "no_such_database_pype" does not exist/);
    expect((error as ModuleError).hint).toMatch(/database name/);
  });

  it('fails at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('run cancelled'));
    await expect(connect(db, controller.signal)).rejects.toThrow(/run cancelled/);
  });
}, 60_000);
