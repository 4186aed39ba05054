import { describePosition, type ExprDiagnostic } from './diagnostic.js';

export type TokenKind = 'number' | 'string' | 'ident' | 'quotedIdent' | 'variable' | 'keyword' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Decoded value: the number (bigint for integers), the unescaped string, the name, the lower-cased keyword or the operator. */
  value: string | number | bigint;
  start: number;
  end: number;
}

export const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'true', 'false', 'case', 'when', 'then', 'else', 'end', 'between', 'like', 'ilike', 'escape', 'as']);
// Longest first so `<=` wins over `<`.
const OPERATORS = ['::', '==', '!=', '<>', '<=', '>=', '&&', '||', '//', '=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', ','];
// Any other backslash stays as written, so regular expressions read as in DuckDB ('\d+', '\bword\b').
const ESCAPES = new Map(Object.entries({ n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"' }));

const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c);

/** Splits the source into tokens, reporting (not throwing on) malformed ones so the parser can report more. */
export function tokenize(source: string): { tokens: Token[]; errors: ExprDiagnostic[] } {
  const tokens: Token[] = [];
  const errors: ExprDiagnostic[] = [];
  const fail = (message: string, start: number, end: number, hint?: string) =>
    errors.push({ message: `${message} at ${describePosition(source, start)}`, start, end, ...(hint ? { hint } : {}) });
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      i = readNumber(source, i, tokens, fail);
    } else if (c === "'" || c === '"') {
      i = readString(source, i, tokens, fail);
    } else if (c === '`') {
      const close = source.indexOf('`', i + 1);
      const end = close === -1 ? source.length : close + 1;
      if (close === -1) fail('unterminated `quoted column name`', i, end, 'close the name with a backtick `');
      tokens.push({ kind: 'quotedIdent', value: source.slice(i + 1, close === -1 ? end : close), start: i, end });
      i = end;
    } else if (c === '{' && source[i + 1] === '{') {
      i = readVariable(source, i, tokens, fail);
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (end < source.length && isIdentPart(source[end])) end++;
      const word = source.slice(i, end);
      const lower = word.toLowerCase();
      tokens.push(KEYWORDS.has(lower) ? { kind: 'keyword', value: lower, start: i, end } : { kind: 'ident', value: word, start: i, end });
      i = end;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (op) {
        tokens.push({ kind: 'op', value: op, start: i, end: i + op.length });
        i += op.length;
      } else {
        const ch = String.fromCodePoint(source.codePointAt(i) ?? 0);
        fail(`unexpected character '${ch}'`, i, i + ch.length, unexpectedCharHint(ch));
        // Read a lone & or | as meant, so the parser does not report the gap it leaves.
        if (ch === '&' || ch === '|') tokens.push({ kind: 'keyword', value: ch === '&' ? 'and' : 'or', start: i, end: i + 1 });
        i += ch.length;
      }
    }
  }
  tokens.push({ kind: 'eof', value: '', start: source.length, end: source.length });
  return { tokens, errors };
}

type Fail = (message: string, start: number, end: number, hint?: string) => void;

function unexpectedCharHint(ch: string): string {
  if (ch === '&') return "write '&&' or 'and'";
  if (ch === '|') return "write 'or' (|| joins strings)";
  if (ch === '{') return 'variables are written {{name}}';
  return 'quote column names that contain it with backticks, e.g. `unit price`';
}

function readNumber(source: string, start: number, tokens: Token[], fail: Fail): number {
  const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(start));
  let end = start + (match ? match[0].length : 1);
  if (/^[eE][+-]?(?!\d)/.test(source.slice(end))) {
    // `1e` or `1e+`: an exponent marker with no digits is a typo, not a column named `e`.
    const bad = /^[eE][+-]?/.exec(source.slice(end))![0];
    fail(`malformed number '${source.slice(start, end + bad.length)}'`, start, end + bad.length, 'write an exponent as 1e3 or 1.5e-2');
    end += bad.length;
  }
  const text = source.slice(start, end).replace(/[eE][+-]?$/, '');
  // Integers stay exact (bigint) however large; the checker reports those beyond 64 bits.
  tokens.push({ kind: 'number', value: /^\d+$/.test(text) ? BigInt(text) : Number(text), start, end });
  return end;
}

function readString(source: string, start: number, tokens: Token[], fail: Fail): number {
  const quote = source[start];
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= source.length) break;
    if (source[i] === quote) {
      // SQL's doubled quote: 'it''s'.
      if (source[i + 1] !== quote) break;
      value += quote;
      i += 2;
      continue;
    }
    if (source[i] !== '\\') {
      value += source[i++];
      continue;
    }
    const [decoded, length] = readEscape(source, i, fail);
    value += decoded;
    i += length;
  }
  if (i >= source.length) {
    fail('unterminated string', start, source.length, `close it with ${quote}`);
    tokens.push({ kind: 'string', value, start, end: source.length });
    return source.length;
  }
  tokens.push({ kind: 'string', value, start, end: i + 1 });
  return i + 1;
}

/** Decodes the escape at `i` (a backslash); returns the text and how many source characters it used. */
/** Decodes the escape at `i`; an unknown one (`\\d`) is kept with its backslash. */
function readEscape(source: string, i: number, fail: Fail): [string, number] {
  const next = source[i + 1];
  if (next === undefined) return ['', 1];
  const simple = ESCAPES.get(next);
  if (simple !== undefined) return [simple, 2];
  if (next === 'u') {
    const braced = /^u\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i + 1));
    const plain = /^u([0-9a-fA-F]{4})/.exec(source.slice(i + 1));
    const m = braced ?? plain;
    const code = m ? parseInt(m[1], 16) : NaN;
    if (m && code <= 0x10ffff) return [String.fromCodePoint(code), 1 + m[0].length];
    fail('malformed unicode escape', i, i + 2, 'write \\u00e9 or \\u{1F600}');
    return ['', 2];
  }
  return [`\\${next}`, 2];
}

function readVariable(source: string, start: number, tokens: Token[], fail: Fail): number {
  const close = source.indexOf('}}', start + 2);
  if (close === -1) {
    fail('unterminated variable reference', start, source.length, 'close it with }}, e.g. {{context.env}}');
    tokens.push({ kind: 'variable', value: source.slice(start + 2).trim(), start, end: source.length });
    return source.length;
  }
  const name = source.slice(start + 2, close).trim();
  if (name === '') fail('empty variable reference {{}}', start, close + 2, 'name a variable, e.g. {{context.env}}');
  tokens.push({ kind: 'variable', value: name, start, end: close + 2 });
  return close + 2;
}
