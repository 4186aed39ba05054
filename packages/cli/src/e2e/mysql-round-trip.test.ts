// End to end through the real CLI: every MySQL/MariaDB column type read by mysql_source and written
// by mysql_sink, into a table it creates from the Arrow types and into a copy of the source's own
// definition, compares equal to the source row by row (NULL-safe, column by column). The query's
// filter is a template, bound as a parameter.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, disconnect, execute, query, type Connection } from '@pypeline/mysql';
import { describeWithService, mariadbTestConfig, uniqueName } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');

function pype(args: string[]) {
  // The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 170_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const COLUMNS = `id INT PRIMARY KEY, flag BOOL, tiny TINYINT, utiny TINYINT UNSIGNED, small SMALLINT, usmall SMALLINT UNSIGNED, medium MEDIUMINT, uint INT UNSIGNED,
  big BIGINT, ubig BIGINT UNSIGNED, price DECIMAL(12, 3), wide DECIMAL(50, 10), f FLOAT, d DOUBLE, day DATE, at DATETIME(6), ts TIMESTAMP(3) NULL,
  t TIME(6), y YEAR, name VARCHAR(40), body TEXT, c CHAR(3), blob_ BLOB, bin BINARY(2), doc JSON, e ENUM('red', 'green'), s SET('a', 'b', 'c'),
  bit1 BIT(1), bits BIT(12)`;
const NAMES = [...COLUMNS.matchAll(/(?:^|,\s*)(\w+) /g)].map((m) => m[1]);

const ROWS = `
  (1, TRUE, -128, 255, -32768, 65535, -8388608, 4294967295, -9223372036854775808, 18446744073709551615, -123456789.125, 12345678901234567890123456789012345678.0123456789,
   1.5, 0.1, '2024-01-31', '2024-01-31 10:00:00.123456', '2024-01-31 10:00:00.500', '23:59:59.999999', 2024, 'Zoë 😀 tab\\there', 'line\\nbreak \\\\ back', 'abc', X'00FF10', X'0A09',
   '{"a": [1, 2]}', 'green', 'a,c', b'1', b'101010101010'),
  (2, FALSE, 127, 0, 32767, 0, 8388607, 0, 9223372036854775807, 0, 0.001, -0.0000000001, -3.25, -1e300, '1000-01-01', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01.000',
   '00:00:00', 1901, '', '', '', X'', X'0000', '[]', 'red', '', b'0', b'0'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, TRUE, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, '2024-02-29', '2024-02-29 00:00:00', '2038-01-19 03:14:07.999', '12:00:00.5', 2155, 'x', 'y', 'z', X'01', X'0101', '{}', 'red', 'b', b'1', b'111111111111')`;

describeWithService('mariadb', 'every MySQL type through mysql_source → mysql_sink', () => {
  const db = mariadbTestConfig();
  const source = uniqueName('pype_rt_src');
  const created = `${source}_created`;
  const copied = `${source}_copied`;
  const dir = mkdtempSync(join(tmpdir(), 'pype-mysql-rt-'));
  let connection: Connection;

  beforeAll(async () => {
    connection = await connect(db);
    await query(connection, `CREATE TABLE ${source} (${COLUMNS}) CHARACTER SET utf8mb4`);
    await query(connection, `INSERT INTO ${source} VALUES ${ROWS}`);
    await query(connection, `CREATE TABLE ${copied} LIKE ${source}`);
  });
  afterAll(async () => {
    await query(connection, `DROP TABLE IF EXISTS ${source}, ${created}, ${copied}`);
    await execute(connection, 'DELETE FROM pypeline_loads WHERE target LIKE ?', [`%${source}%`]);
    await disconnect(connection);
  });

  /** The columns whose values differ between the source and `table`, row by row; [] when every row is the same. */
  async function differences(table: string): Promise<string[]> {
    const found: string[] = [];
    const count = await query(connection, `SELECT (SELECT COUNT(*) FROM ${source}), (SELECT COUNT(*) FROM ${table})`);
    if (String(count.rows[0][0]) !== String(count.rows[0][1])) found.push(`row count ${count.rows[0][0]} vs ${count.rows[0][1]}`);
    for (const name of NAMES) {
      const { rows } = await query(connection, `SELECT s.id, CAST(s.${name} AS CHAR), CAST(t.${name} AS CHAR) FROM ${source} s LEFT JOIN ${table} t ON t.id = s.id WHERE NOT (s.${name} <=> t.${name})`);
      for (const [id, a, b] of rows) found.push(`${name} of row ${id}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
    return found;
  }

  it('creates a table from the Arrow types, appends into the source\'s own definition, and both equal the source', async () => {
    const connection_ = `host: ${db.host}, port: ${db.port}, user: ${db.user}`;
    writeFileSync(join(dir, 'flow.yaml'), `flow:
  name: mysql_round_trip
context:
  default:
    min_id: 1
modules:
  - id: read
    name: mysql_source
    configs:
      required: { database: ${db.database}, query: "SELECT * FROM ${source} WHERE id >= {{context.min_id}} ORDER BY id" }
      optional: { ${connection_}, batch_size: 2 }
  - id: create
    name: mysql_sink
    configs:
      required: { database: ${db.database}, table: ${created} }
      optional: { ${connection_}, create_table: true, key: [id] }
  - id: append
    name: mysql_sink
    configs:
      required: { database: ${db.database}, table: ${copied} }
      optional: { ${connection_}, method: insert }
connections:
  data:
    - "read.data - create.input"
    - "read.data - append.input"
`);
    const r = pype(['run', join(dir, 'flow.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const types = await execute(connection, 'SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [db.database, created]);
    expect(Object.fromEntries(types.rows.map(([n, t]) => [n, String(t)]))).toEqual({
      id: 'int(11)', flag: 'tinyint(1)', tiny: 'tinyint(4)', utiny: 'tinyint(3) unsigned', small: 'smallint(6)', usmall: 'smallint(5) unsigned', medium: 'int(11)',
      uint: 'int(10) unsigned', big: 'bigint(20)', ubig: 'bigint(20) unsigned', price: 'decimal(12,3)', wide: 'decimal(50,10)', f: 'float', d: 'double', day: 'date',
      at: 'datetime(6)', ts: 'datetime(6)', t: 'time(6)', y: 'smallint(6)', name: 'longtext', body: 'longtext', c: 'longtext', blob_: 'longblob', bin: 'longblob',
      doc: 'longtext', e: 'longtext', s: 'longtext', bit1: 'tinyint(1)', bits: 'bigint(20) unsigned',
    });
    expect(await differences(created)).toEqual([]);
    expect(await differences(copied)).toEqual([]);
  });
}, 180_000);

describe('pype with mysql_source and mysql_sink, without a server or with bad config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pype-mysql-bad-'));
  const write = (name: string, modules: string) => {
    writeFileSync(join(dir, name), `flow:\n  name: ${name.replace('.yaml', '')}\nmodules:\n${modules}\nconnections:\n  data:\n    - "read.data - load.input"\n`);
    return join(dir, name);
  };

  it('names host:port and the fix when the server is down, without a stack trace', () => {
    const file = write('down.yaml', `  - { id: read, name: mysql_source, configs: { required: { database: test, query: "SELECT 1 AS id" }, optional: { host: 127.0.0.1, port: 1 } } }
  - { id: load, name: mysql_sink, configs: { required: { database: test, table: never_made }, optional: { host: 127.0.0.1, port: 1, create_table: true } } }`);
    const r = pype(['run', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/read \(mysql_source\) failed: cannot connect to MySQL at 127\.0\.0\.1:1 \(database "test", user "root"\): connect ECONNREFUSED/);
    expect(r.stderr).toContain('fix: check host and port, and that MySQL/MariaDB is running');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);

  it('lists every config problem at once, each at its line', () => {
    const file = write('bad.yaml', `  - { id: read, name: mysql_source, configs: { required: { database: test, query: "SELECT 1 AS id" }, optional: { batch_size: many } } }
  - { id: load, name: mysql_sink, configs: { required: { database: test }, optional: { port: "abc", mode: merge, method: copy, key: id } } }`);
    const r = pype(['run', file]);
    expect(r.code).toBe(1);
    for (const problem of [
      /:4:\d+ error at modules\[0\]\.configs\.optional\.batch_size: read \(mysql_source\): config "batch_size" must be an integer/,
      /error at modules\[1\]\.configs\.required: load \(mysql_sink\): missing required config key "table"/,
      /config "port" must be an integer/,
      /config "mode" must be one of "append", "replace", "upsert"/,
      /config "method" must be one of "insert", "load_data"/,
      /config "key" must be an array/,
    ]) expect(r.stderr).toMatch(problem);
    expect(r.stderr).toContain('6 problems found');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});
