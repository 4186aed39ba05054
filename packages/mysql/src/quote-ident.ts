/** A MySQL identifier in backticks (a backtick in it doubled), so any name is taken literally. */
export function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `` `database`.`table` ``, or just `` `table` `` in the connection's database. */
export function qualifiedName(table: string, database?: string): string {
  return database ? `${quoteIdent(database)}.${quoteIdent(table)}` : quoteIdent(table);
}
