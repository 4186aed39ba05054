import { lookupRef, type TemplateScope } from './templater.js';
import { doubledQuoteEnd, escapedQuoteEnd, NAME_CHAR, scanSqlTemplates, type SqlDialect } from './sql-scanner.js';

export interface BoundSql {
  /** The SQL with each value template replaced by `$n`. */
  text: string;
  /** The values of the new placeholders, in order: `$first`, `$first+1`, ... */
  values: unknown[];
}

/** PostgreSQL: `'...'` strings (`E'...'` with backslash escapes), `"..."` names, `--` and nested block comments, `$tag$` strings. */
export const POSTGRES_DIALECT: SqlDialect = {
  quotedTemplate: /'\{\{\s*([^{}]*?)\s*\}\}'/y,
  stringQuotes: "'",
  stringEnd: (sql, start) => (/[Ee]/.test(sql[start - 1] ?? '') && !NAME_CHAR.test(sql[start - 2] ?? '') ? escapedQuoteEnd(sql, start, "'") : doubledQuoteEnd(sql, start, "'")),
  identifierQuote: '"',
  lineCommentAt: (sql, i) => sql[i] === '-' && sql[i + 1] === '-',
  blockCommentEnd: nestedCommentEnd,
  dollarQuotes: true,
  questionMarks: false,
  fixes: {
    glued: 'a value stands alone; to template a name, quote all of it: "prefix_{{context.x}}"',
    literal: "make the whole literal the template ('{{context.x}}'), or build the text in SQL: '%' || {{context.x}} || '%'",
  },
};

/**
 * Binds the templates of a SQL text (a field with `format: sql`, PostgreSQL's dialect) by the
 * rules of scanSqlTemplates: `{{x}}` where a value goes, and `'{{x}}'`, become a placeholder
 * `$n` whose value is passed as a query parameter; inside `"..."` the value is quoted as a
 * name; anywhere else it is refused. The same template used twice shares one placeholder.
 */
export function bindSqlTemplates(sql: string, scope: TemplateScope, where: string, first: number): BoundSql {
  const values: unknown[] = [];
  const placeholders = new Map<string, string>();
  const placeholder = (name: string): string => {
    let p = placeholders.get(name);
    if (!p) {
      values.push(lookupRef(name, scope, where));
      p = `$${first + values.length - 1}`;
      placeholders.set(name, p);
    }
    return p;
  };
  const text = scanSqlTemplates(sql, POSTGRES_DIALECT, where, placeholder, (name) => lookupRef(name, scope, where));
  return { text, values };
}

/** End (exclusive) of a `/* ... *\/` comment starting at `start`; PostgreSQL nests them. */
function nestedCommentEnd(sql: string, start: number): number {
  let depth = 0;
  for (let i = start; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i++;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}
