import { PypeError } from '../errors.js';
import { lookupRef, type TemplateScope } from './templater.js';

export interface BoundSql {
  /** The SQL with each value template replaced by `$n`. */
  text: string;
  /** The values of the new placeholders, in order: `$first`, `$first+1`, ... */
  values: unknown[];
}

export const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/y;
const QUOTED_TEMPLATE = /'\{\{\s*([^{}]*?)\s*\}\}'/y;
const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/y;
export const NAME_CHAR = /[\w$\u0080-\uffff]/;

/**
 * Binds the templates of a SQL text (a field with `format: sql`, PostgreSQL's dialect); a value
 * never becomes SQL text:
 * - `{{x}}` where a value goes, and a literal that is only a template (`'{{x}}'`, quotes
 *   included), become a placeholder `$n` whose value is passed as a query parameter;
 * - inside a double-quoted identifier (`"{{context.schema}}"."{{context.table}}"`) the value
 *   is quoted by PostgreSQL's identifier rule: a `"` in it is doubled, so it stays one name;
 * - anywhere else (inside a longer string literal, a dollar-quoted string, a comment, or glued
 *   to a name) it is refused, with the way to write it instead.
 * The same template used twice shares one placeholder.
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
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    let end: number;
    if (c === '{' && next === '{' && at(TEMPLATE, sql, i)) {
      const m = at(TEMPLATE, sql, i)!;
      if (NAME_CHAR.test(sql[i - 1] ?? '') || NAME_CHAR.test(sql[i + m[0].length] ?? '')) throw misplaced(m[0], 'is glued to a name', where, `a value stands alone; to template a name, quote all of it: "prefix_${m[0]}"`);
      out += placeholder(m[1]);
      i += m[0].length;
      continue;
    }
    if (c === "'") {
      const whole = at(QUOTED_TEMPLATE, sql, i);
      if (whole && !NAME_CHAR.test(sql[i - 1] ?? '')) {
        out += placeholder(whole[1]);
        i += whole[0].length;
        continue;
      }
      end = stringEnd(sql, i, /[Ee]/.test(sql[i - 1] ?? '') && !NAME_CHAR.test(sql[i - 2] ?? ''));
      refuseTemplates(sql.slice(i, end), 'stands inside a string literal', where, "make the whole literal the template ('{{context.x}}'), or build the text in SQL: '%' || {{context.x}} || '%'");
    } else if (c === '"') {
      end = quotedEnd(sql, i, '"');
      out += sql.slice(i, end).replace(new RegExp(TEMPLATE.source, 'g'), (_, name: string) => String(lookupRef(name, scope, where)).replace(/"/g, '""'));
      i = end;
      continue;
    } else if (c === '-' && next === '-') {
      end = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
      refuseTemplates(sql.slice(i, end), 'stands inside a comment', where, 'remove the template from the comment');
    } else if (c === '/' && next === '*') {
      end = blockCommentEnd(sql, i);
      refuseTemplates(sql.slice(i, end), 'stands inside a comment', where, 'remove the template from the comment');
    } else if (c === '$' && !NAME_CHAR.test(sql[i - 1] ?? '') && at(DOLLAR_TAG, sql, i)) {
      const tag = at(DOLLAR_TAG, sql, i)![0];
      const close = sql.indexOf(tag, i + tag.length);
      end = close < 0 ? sql.length : close + tag.length;
      refuseTemplates(sql.slice(i, end), 'stands inside a dollar-quoted string', where, 'pass the value as a query parameter outside the $$ string');
    } else {
      end = i + 1;
    }
    out += sql.slice(i, end);
    i = end;
  }
  return { text: out, values };
}

export function at(re: RegExp, text: string, index: number): RegExpExecArray | null {
  re.lastIndex = index;
  return re.exec(text);
}

/** End (exclusive) of the `'...'` literal starting at `start`; `''` is a quote inside, and `\'` too in an E'' string. */
function stringEnd(sql: string, start: number, backslashes: boolean): number {
  if (!backslashes) return quotedEnd(sql, start, "'");
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === "'") {
      if (sql[i + 1] !== "'") return i + 1;
      i++;
    }
  }
  return sql.length;
}

/** End (exclusive) of a `q...q` run starting at `start`, where `qq` stands for one q. */
function quotedEnd(sql: string, start: number, q: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== q) continue;
    if (sql[i + 1] !== q) return i + 1;
    i++;
  }
  return sql.length;
}

/** End (exclusive) of a `/* ... *\/` comment starting at `start`; PostgreSQL nests them. */
function blockCommentEnd(sql: string, start: number): number {
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

export function refuseTemplates(part: string, place: string, where: string, fix: string): void {
  const m = new RegExp(TEMPLATE.source).exec(part);
  if (m) throw misplaced(m[0], place, where, fix);
}

export function misplaced(template: string, place: string, where: string, fix: string): PypeError {
  return new PypeError(`${template} in ${where} ${place}: a value is never spliced into SQL text`, { hint: fix });
}
