/** Configuration of `derive_mod`. */
export interface Config {
  /** New columns as { name: expression }, computed in the order written; an expression may use columns defined above it, and a name that exists replaces that column. E.g. { total: "qty * price", label: "upper(name)" } */
  columns: Record<string, Expression>;
}

/**
 * An expression of PYpeline's expression language; `{{...}}` templates in it are bound as literals.
 * @format expression
 */
export type Expression = string;
