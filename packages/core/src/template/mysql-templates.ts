import { lookupRef, type TemplateScope } from './templater.js';
import { escapedQuoteEnd, scanSqlTemplates, type SqlDialect } from './sql-scanner.js';

export interface BoundMysql {
  /** The SQL with each value template replaced by `?`. */
  text: string;
  /** Every parameter in the order of the `?` marks: the flow's params where it wrote `?`, template values where templates stood. */
  params: unknown[];
}

/**
 * MySQL/MariaDB: `'...'` and `"..."` strings with backslash escapes (as MySQL reads them unless
 * NO_BACKSLASH_ESCAPES), `` `...` `` names, `-- ` and `#` line comments, block comments (not
 * nested), `?` positional parameters.
 */
export const MYSQL_DIALECT: SqlDialect = {
  quotedTemplate: /(['"])\{\{\s*([^{}]*?)\s*\}\}\1/y,
  stringQuotes: `'"`,
  stringEnd: (sql, start) => escapedQuoteEnd(sql, start, sql[start]),
  identifierQuote: '`',
  lineCommentAt: (sql, i) => (sql[i] === '-' && sql[i + 1] === '-' && /\s/.test(sql[i + 2] ?? ' ')) || sql[i] === '#',
  blockCommentEnd: (sql, start) => {
    const close = sql.indexOf('*/', start + 2);
    return close < 0 ? sql.length : close + 2;
  },
  dollarQuotes: false,
  questionMarks: true,
  fixes: {
    glued: 'a value stands alone; to template a name, quote all of it: `prefix_{{context.x}}`',
    literal: "make the whole literal the template ('{{context.x}}'), or build the text in SQL: CONCAT('%', {{context.x}}, '%')",
  },
};

/**
 * Binds the templates of MySQL/MariaDB SQL text (a field with `format: sql-mysql`) by the rules
 * of scanSqlTemplates: `{{x}}` where a value goes, and `'{{x}}'` or `"{{x}}"`, become a `?`
 * placeholder; inside `` `...` `` the value is quoted as a name; anywhere else it is refused.
 * MySQL's placeholders are positional, so the flow's own `?` marks take `params` in order and
 * each template's value is put between them where it stands.
 */
export function bindMysqlTemplates(sql: string, scope: TemplateScope, where: string, params: unknown[]): BoundMysql {
  const values: unknown[] = [];
  let given = 0;
  let templates = 0;
  const placeholder = (name: string): string => {
    values.push(lookupRef(name, scope, where));
    templates++;
    return '?';
  };
  const text = scanSqlTemplates(sql, MYSQL_DIALECT, where, placeholder, (name) => lookupRef(name, scope, where), () => values.push(params[given++]));
  // Without templates the flow's params stand as given (the server counts them against the `?` marks).
  if (templates === 0) return { text, params };
  return { text, params: [...values, ...params.slice(given)] };
}
