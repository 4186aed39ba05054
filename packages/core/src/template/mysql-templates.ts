import { lookupRef, type TemplateScope } from './templater.js';
import { at, misplaced, NAME_CHAR, refuseTemplates, TEMPLATE } from './sql-templates.js';

export interface BoundMysql {
  /** The SQL with each value template replaced by `?`. */
  text: string;
  /** Every parameter in the order of the `?` marks: the flow's params where it wrote `?`, template values where templates stood. */
  params: unknown[];
}

const QUOTED_TEMPLATE = /(['"])\{\{\s*([^{}]*?)\s*\}\}\1/y;

/**
 * Binds the templates of MySQL/MariaDB SQL text (a field with `format: sql-mysql`); a value
 * never becomes SQL text. The rules of bindSqlTemplates in MySQL's dialect:
 * - `{{x}}` where a value goes, and a literal that is only a template (`'{{x}}'` or `"{{x}}"`),
 *   become a `?` placeholder. MySQL's placeholders are positional, so the flow's own `?` marks
 *   take `params` in order and each template's value is put between them where it stands;
 * - inside a backquoted identifier (`` `{{context.table}}` ``) the value is quoted by MySQL's
 *   identifier rule: a backquote in it is doubled, so it stays one name;
 * - anywhere else (inside a longer string literal, a comment, or glued to a name) it is refused.
 * Strings may hold backslash escapes (`'it\'s'`), as MySQL reads them unless NO_BACKSLASH_ESCAPES.
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
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    let end: number;
    if (c === '{' && next === '{' && at(TEMPLATE, sql, i)) {
      const m = at(TEMPLATE, sql, i)!;
      if (NAME_CHAR.test(sql[i - 1] ?? '') || NAME_CHAR.test(sql[i + m[0].length] ?? '')) throw misplaced(m[0], 'is glued to a name', where, 'a value stands alone; to template a name, quote all of it: `prefix_{{context.x}}`');
      out += placeholder(m[1]);
      i += m[0].length;
      continue;
    }
    if (c === '?') {
      values.push(params[given++]);
      end = i + 1;
    } else if (c === "'" || c === '"') {
      const whole = at(QUOTED_TEMPLATE, sql, i);
      if (whole && !NAME_CHAR.test(sql[i - 1] ?? '')) {
        out += placeholder(whole[2]);
        i += whole[0].length;
        continue;
      }
      end = stringEnd(sql, i, c);
      refuseTemplates(sql.slice(i, end), 'stands inside a string literal', where, "make the whole literal the template ('{{context.x}}'), or build the text in SQL: CONCAT('%', {{context.x}}, '%')");
    } else if (c === '`') {
      end = backquotedEnd(sql, i);
      out += sql.slice(i, end).replace(new RegExp(TEMPLATE.source, 'g'), (_, name: string) => String(lookupRef(name, scope, where)).replace(/`/g, '``'));
      i = end;
      continue;
    } else if ((c === '-' && next === '-' && /[\s]/.test(sql[i + 2] ?? ' ')) || c === '#') {
      end = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
      refuseTemplates(sql.slice(i, end), 'stands inside a comment', where, 'remove the template from the comment');
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      end = close < 0 ? sql.length : close + 2;
      refuseTemplates(sql.slice(i, end), 'stands inside a comment', where, 'remove the template from the comment');
    } else {
      end = i + 1;
    }
    out += sql.slice(i, end);
    i = end;
  }
  // Without templates the flow's params stand as given (the server counts them against the `?` marks).
  if (templates === 0) return { text: out, params };
  return { text: out, params: [...values, ...params.slice(given)] };
}

/** End (exclusive) of the `q...q` literal starting at `start`: `qq` and a backslash escape stay inside. */
function stringEnd(sql: string, start: number, q: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === q) {
      if (sql[i + 1] !== q) return i + 1;
      i++;
    }
  }
  return sql.length;
}

function backquotedEnd(sql: string, start: number): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== '`') continue;
    if (sql[i + 1] !== '`') return i + 1;
    i++;
  }
  return sql.length;
}
