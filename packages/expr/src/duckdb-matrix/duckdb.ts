import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { normalizeJs, type Family, type NormColumn } from './compare.js';
import { createTableSql, insertSql, type MatrixData } from './data.js';

/** An in-process DuckDB holding the matrix table `t`, in UTC so date functions see the same instants. */
export class MatrixDuckDb {
  private constructor(private readonly instance: DuckDBInstance, private readonly conn: DuckDBConnection) {}

  static async open(data: MatrixData): Promise<MatrixDuckDb> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    await conn.run(createTableSql('t'));
    await conn.run(insertSql('t', data));
    return new MatrixDuckDb(instance, conn);
  }

  /** One value per row of `t`, in row order. */
  async column(sqlExpr: string): Promise<NormColumn> {
    const reader = await this.conn.runAndReadAll(`SELECT ${sqlExpr} AS v FROM t ORDER BY id`);
    const type = reader.columnTypes()[0];
    return { family: familyOfDuckDb(type.typeId), typeName: type.toString(), values: reader.getColumnsJS()[0].map(normalizeJs) };
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

function familyOfDuckDb(id: DuckDBTypeId): Family {
  switch (id) {
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER: case DuckDBTypeId.BIGINT: case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT: case DuckDBTypeId.UINTEGER: case DuckDBTypeId.UBIGINT: case DuckDBTypeId.UHUGEINT:
      return 'int';
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE:
      return 'float';
    case DuckDBTypeId.DECIMAL:
      return 'decimal';
    case DuckDBTypeId.VARCHAR:
      return 'string';
    case DuckDBTypeId.BOOLEAN:
      return 'bool';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_MS: case DuckDBTypeId.TIMESTAMP_NS: case DuckDBTypeId.TIMESTAMP_TZ:
      return 'timestamp';
    case DuckDBTypeId.SQLNULL:
      return 'null';
    default:
      return 'other';
  }
}
