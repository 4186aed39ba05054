import { ModuleError } from '@pypeline/sdk';
import { describeWithService, mariadbTestConfig } from '@pypeline/test-services';
import { expect, it } from 'vitest';
import { connect, disconnect, execute, query } from './connect.js';

describeWithService('mariadb', 'connect', () => {
  const db = mariadbTestConfig();

  it('connects in a UTC utf8mb4 session, and binds parameters on the server', async () => {
    const connection = await connect(db);
    try {
      const { rows } = await query(connection, 'SELECT @@session.time_zone, @@character_set_client, CAST(18446744073709551615 AS UNSIGNED)');
      expect(rows[0]).toEqual(['+00:00', 'utf8mb4', '18446744073709551615']);
      const bound = await execute(connection, 'SELECT ? AS a, CONCAT(?, ?) AS b', ["x' OR '1'='1", '😀', null]);
      expect(bound.rows).toEqual([["x' OR '1'='1", null]]);
    } finally {
      await disconnect(connection);
    }
  });

  it('names the server, database and user when the login fails', async () => {
    const error = await connect({ ...db, database: 'no_such_database_pype' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toMatch(/^cannot connect to MySQL at 127\.0\.0\.1:3306 \(database "no_such_database_pype", user "root"\): Unknown database 'no_such_database_pype'/);
    expect((error as ModuleError).hint).toMatch(/database name/);
  });

  it('fails at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('run cancelled'));
    await expect(connect(db, controller.signal)).rejects.toThrow(/run cancelled/);
  });
}, 60_000);
