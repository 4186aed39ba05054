import { Binary, Bool, DateDay, Decimal, Float32, Float64, Int16, Int32, Int64, Int8, Schema, Field, TimeMicrosecond, TimestampMicrosecond, Uint64, Utf8, type DataType } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createTableSql, mysqlTypeOf } from './arrow-to-mysql.js';
import { decimalWords } from './decimal-words.js';
import { parseDate, parseDateTime, parseTimeOfDay } from './mysql-to-arrow.js';
import { mysqlError } from './mysql-error.js';
import { qualifiedName, quoteIdent } from './quote-ident.js';

describe('MySQL text to Arrow values', () => {
  it('reads dates, datetimes (µs, as UTC) and times of day; the zero date is null', () => {
    expect(parseDate('2024-01-31')).toBe(Date.UTC(2024, 0, 31));
    expect(parseDate('0000-00-00')).toBeNull();
    expect(parseDateTime('2024-01-31 10:00:00.123456')).toBe(BigInt(Date.UTC(2024, 0, 31, 10)) * 1000n + 123456n);
    expect(parseDateTime('1000-01-01 00:00:00')).toBe(BigInt(Date.UTC(1000, 0, 1)) * 1000n);
    expect(parseDateTime('2024-01-31 10:00:00.5')).toBe(BigInt(Date.UTC(2024, 0, 31, 10)) * 1000n + 500000n);
    expect(parseTimeOfDay('23:59:59.999999', 't')).toBe(86_399_999_999n);
    expect(() => parseTimeOfDay('24:00:00', 't')).toThrow('TIME value "24:00:00" of column "t" is not a time of day');
    expect(() => parseTimeOfDay('-00:00:01', 't')).toThrow(/not a time of day/);
  });

  it('writes decimal text as two\'s complement words, exactly', () => {
    expect([...decimalWords('-1.5', 1, 128)]).toEqual([0xfffffff1, 0xffffffff, 0xffffffff, 0xffffffff]);
    expect([...decimalWords('4294967296.00', 2, 128)]).toEqual([0, 100, 0, 0]);
    expect(decimalWords('1', 3, 256)).toHaveLength(8);
    expect(() => decimalWords('1.2345', 2, 128)).toThrow('"1.2345" has more than 2 fraction digits');
    expect(() => decimalWords('x', 2, 128)).toThrow('"x" is not a decimal number');
  });
});

describe('Arrow to MySQL', () => {
  it('chooses column types that hold every value exactly', () => {
    const types: DataType[] = [new Bool(), new Int8(), new Int16(), new Int32(), new Int64(), new Uint64(), new Float32(), new Float64(), new Decimal(3, 50, 256), new DateDay(), new TimestampMicrosecond('UTC'), new TimeMicrosecond(), new Binary(), new Utf8()];
    expect(types.map(mysqlTypeOf)).toEqual(['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'BIGINT UNSIGNED', 'FLOAT', 'DOUBLE', 'DECIMAL(50, 3)', 'DATE', 'DATETIME(6)', 'TIME(6)', 'LONGBLOB', 'LONGTEXT']);
  });

  it('quotes names with backquotes and bounds text key columns', () => {
    expect(quoteIdent('we`ird')).toBe('`we``ird`');
    expect(qualifiedName('t', 'db')).toBe('`db`.`t`');
    const schema = new Schema([new Field('id', new Utf8()), new Field('n', new Int32())]);
    expect(createTableSql('`t`', schema, ['id'])).toBe('CREATE TABLE IF NOT EXISTS `t` (`id` VARCHAR(255) NOT NULL, `n` INT, PRIMARY KEY (`id`)) CHARACTER SET utf8mb4');
  });
});

describe('mysqlError', () => {
  it('keeps the server\'s words, adds a hint, and retries only connection and lock trouble', () => {
    const duplicate = mysqlError({ errno: 1062, sqlMessage: "Duplicate entry '1' for key 'PRIMARY'", code: 'ER_DUP_ENTRY' }, 'cannot load');
    expect(duplicate.message).toBe("cannot load: Duplicate entry '1' for key 'PRIMARY'");
    expect(duplicate.hint).toMatch(/mode: upsert/);
    expect(duplicate.retryable).toBe(false);
    expect(mysqlError({ errno: 1213, message: 'Deadlock found' }, 'x').retryable).toBe(true);
    expect(mysqlError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'x').hint).toMatch(/check host and port/);
  });
});
