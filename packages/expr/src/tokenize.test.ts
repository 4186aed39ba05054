import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.js';

const values = (source: string) => tokenize(source).tokens.map((t) => [t.kind, t.value]);

describe('tokenize', () => {
  it('reads numbers, strings, names, variables and operators', () => {
    expect(values("age >= 1.5e3 and `unit price` <> 'x' || {{ context.env }}")).toEqual([
      ['ident', 'age'], ['op', '>='], ['number', 1500], ['keyword', 'and'], ['quotedIdent', 'unit price'],
      ['op', '<>'], ['string', 'x'], ['op', '||'], ['variable', 'context.env'], ['eof', ''],
    ]);
  });

  it('lower-cases keywords but keeps names as written', () => {
    expect(values('Age IS NOT Null')).toEqual([['ident', 'Age'], ['keyword', 'is'], ['keyword', 'not'], ['keyword', 'null'], ['eof', '']]);
  });

  it('decodes escapes in both quote styles', () => {
    expect(values(String.raw`'it\'s' "a\"b\n\u00e9\u{1F600}\\"`).slice(0, 2)).toEqual([['string', "it's"], ['string', 'a"b\né😀\\']]);
  });

  it('reads .5 and 1. as numbers', () => {
    expect(values('.5 1.').slice(0, 2)).toEqual([['number', 0.5], ['number', 1]]);
  });

  it('records offsets', () => {
    const [a, op, b] = tokenize("a == 'é'").tokens;
    expect([a.start, a.end, op.start, op.end, b.start, b.end]).toEqual([0, 1, 2, 4, 5, 8]);
  });

  it('reports malformed tokens and keeps going', () => {
    const { errors } = tokenize("a & b == 'open");
    expect(errors.map((e) => [e.message, e.start, e.end])).toEqual([
      ["unexpected character '&' at column 3", 2, 3],
      ['unterminated string at column 10', 9, 14],
    ]);
    expect(errors[0].hint).toContain('&&');
  });

  it('reports bad escapes, exponents, and unterminated names and variables', () => {
    const messages = (s: string) => tokenize(s).errors.map((e) => e.message);
    // An unknown escape keeps its backslash, as SQL strings (and regular expressions) need it.
    expect(messages(String.raw`'a\qb'`)).toEqual([]);
    expect(values(String.raw`'\d+\.\bx'`)[0]).toEqual(['string', String.raw`\d+\.\bx`]);
    expect(messages('1e+ > 2')).toEqual(["malformed number '1e+' at column 1"]);
    expect(messages('`open')).toEqual(['unterminated `quoted column name` at column 1']);
    expect(messages('{{ x')).toEqual(['unterminated variable reference at column 1']);
    expect(messages('{{ }}')).toEqual(['empty variable reference {{}} at column 1']);
  });
});

describe('tokenize: SQL strings and numbers', () => {
  it("reads a doubled quote as one quote, as SQL does: 'it''s'", () => {
    expect(tokenize("'it''s'").tokens[0]).toMatchObject({ kind: 'string', value: "it's" });
  });

  it('keeps integers exact as bigint and floats as numbers', () => {
    expect(tokenize('9223372036854775807 1.5 2e2').tokens.map((t) => t.value)).toEqual([9223372036854775807n, 1.5, 200, '']);
  });
});
