import { PypeError } from '../errors.js';

/**
 * One SQL dialect's lexical rules, as far as binding templates needs them: where string
 * literals, quoted identifiers and comments begin and end. Everything else is SQL text.
 */
export interface SqlDialect {
  /** A literal that is only a template, quotes included; its last group is the template's name. */
  quotedTemplate: RegExp;
  /** The characters that open a string literal. */
  stringQuotes: string;
  /** End (exclusive) of the string literal opening at `start`. */
  stringEnd(sql: string, start: number): number;
  /** The character that quotes an identifier; a template inside one is quoted as part of the name. */
  identifierQuote: string;
  /** True when a comment running to the end of the line starts at `i`. */
  lineCommentAt(sql: string, i: number): boolean;
  /** End (exclusive) of the block comment opening at `start` (`/*`). */
  blockCommentEnd(sql: string, start: number): number;
  /** PostgreSQL's `$tag$ ... $tag$` strings. */
  dollarQuotes: boolean;
  /** Calls `onMark` for each `?` in SQL text (MySQL's positional parameters). */
  questionMarks: boolean;
  /** The fixes named when a template stands glued to a name, or inside a longer literal. */
  fixes: { glued: string; literal: string };
}

export const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/y;
const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/y;
export const NAME_CHAR = /[\w$\u0080-\uffff]/;

/**
 * The one scanner behind every SQL field's templates; a value never becomes SQL text:
 * - `{{x}}` where a value goes, and a literal that is only a template (the dialect's
 *   `quotedTemplate`), are replaced by `value(name)` (the caller's placeholder);
 * - inside a quoted identifier the value is quoted by the identifier rule (the quote doubled),
 *   so it stays one name;
 * - anywhere else (inside a longer string literal, a dollar-quoted string, a comment, or glued
 *   to a name) it is refused, with the way to write it instead.
 * `onMark` is told of each `?` in SQL text when the dialect has positional parameters.
 */
export function scanSqlTemplates(sql: string, dialect: SqlDialect, where: string, value: (name: string) => string, lookup: (name: string) => unknown, onMark?: () => void): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    let end: number;
    if (c === '{' && next === '{' && at(TEMPLATE, sql, i)) {
      const m = at(TEMPLATE, sql, i)!;
      if (NAME_CHAR.test(sql[i - 1] ?? '') || NAME_CHAR.test(sql[i + m[0].length] ?? '')) throw misplaced(m[0], 'is glued to a name', where, dialect.fixes.glued);
      out += value(m[1]);
      i += m[0].length;
      continue;
    }
    if (c === '?' && dialect.questionMarks) {
      onMark?.();
      end = i + 1;
    } else if (dialect.stringQuotes.includes(c)) {
      const whole = at(dialect.quotedTemplate, sql, i);
      if (whole && !NAME_CHAR.test(sql[i - 1] ?? '')) {
        out += value(whole[whole.length - 1]);
        i += whole[0].length;
        continue;
      }
      end = dialect.stringEnd(sql, i);
      refuseTemplates(sql.slice(i, end), 'stands inside a string literal', where, dialect.fixes.literal);
    } else if (c === dialect.identifierQuote) {
      const q = dialect.identifierQuote;
      end = doubledQuoteEnd(sql, i, q);
      out += sql.slice(i, end).replace(new RegExp(TEMPLATE.source, 'g'), (_, name: string) => String(lookup(name)).split(q).join(q + q));
      i = end;
      continue;
    } else if (dialect.lineCommentAt(sql, i)) {
      end = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
      refuseTemplates(sql.slice(i, end), 'stands inside a comment', where, 'remove the template from the comment');
    } else if (c === '/' && next === '*') {
      end = dialect.blockCommentEnd(sql, i);
      refuseTemplates(sql.slice(i, end), 'stands inside a comment', where, 'remove the template from the comment');
    } else if (dialect.dollarQuotes && c === '$' && !NAME_CHAR.test(sql[i - 1] ?? '') && at(DOLLAR_TAG, sql, i)) {
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
  return out;
}

function at(re: RegExp, text: string, index: number): RegExpExecArray | null {
  re.lastIndex = index;
  return re.exec(text);
}

/** End (exclusive) of a `q...q` run starting at `start`, where `qq` stands for one q. */
export function doubledQuoteEnd(sql: string, start: number, q: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== q) continue;
    if (sql[i + 1] !== q) return i + 1;
    i++;
  }
  return sql.length;
}

/** End (exclusive) of a `q...q` literal starting at `start` where both `qq` and a backslash escape stay inside. */
export function escapedQuoteEnd(sql: string, start: number, q: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === q) {
      if (sql[i + 1] !== q) return i + 1;
      i++;
    }
  }
  return sql.length;
}

function refuseTemplates(part: string, place: string, where: string, fix: string): void {
  const m = new RegExp(TEMPLATE.source).exec(part);
  if (m) throw misplaced(m[0], place, where, fix);
}

function misplaced(template: string, place: string, where: string, fix: string): PypeError {
  return new PypeError(`${template} in ${where} ${place}: a value is never spliced into SQL text`, { hint: fix });
}
