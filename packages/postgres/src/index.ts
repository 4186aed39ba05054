export { CONNECTION_DEFAULTS, connectionConfig, describeConnection } from './connection-config.js';
export type { PostgresConnection, PostgresTarget, ResolvedConnection } from './connection-config.js';
export { connect, TEXT_TYPES } from './connect.js';
export { postgresError } from './postgres-error.js';
export { qualifiedName, quoteIdent } from './quote-ident.js';
export { parseDate, parseTimestamp, readerFor } from './pg-to-arrow.js';
export type { ColumnReader } from './pg-to-arrow.js';
export { pgTypeOf, textFormatter } from './arrow-to-pg.js';
export { createTableSql } from './create-table.js';
