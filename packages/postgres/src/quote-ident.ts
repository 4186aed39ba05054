/** A PostgreSQL identifier in double quotes, so any name (mixed case, spaces, keywords) is taken literally. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`, or just `"table"` without a schema (the search path decides). */
export function qualifiedName(table: string, schema?: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(table)}` : quoteIdent(table);
}
