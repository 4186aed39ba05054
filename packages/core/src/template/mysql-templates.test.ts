import { describe, expect, it } from 'vitest';
import { bindMysqlTemplates } from './mysql-templates.js';
import { resolveConfigTemplates } from './resolve-config.js';
import type { TemplateScope } from './templater.js';

const PROBE = "x' union all select load_file('/etc/hostname') -- ";
const scope: TemplateScope = {
  context: { day: '2024-01-31', probe: PROBE, n: 5, table: 'orders`; drop table t; --' },
  secrets: new Map(),
  iter: { index: 2, item: { path: '/data/a.csv' } },
  global: () => undefined,
};
const bind = (sql: string, params: unknown[] = []) => bindMysqlTemplates(sql, scope, 'q.configs.query', params);
const refusal = (sql: string) => {
  try {
    bind(sql);
  } catch (error) {
    return error as Error & { hint?: string };
  }
  throw new Error(`${sql} was accepted`);
};

describe('bindMysqlTemplates', () => {
  it('turns templates into ? placeholders and puts their values between the flow\'s own params, in the order of the ? marks', () => {
    expect(bind('select * from t where a = ? and day = {{context.day}} and b = ? and n < {{ context.n }}', ['A', 'B'])).toEqual({
      text: 'select * from t where a = ? and day = ? and b = ? and n < ?',
      params: ['A', '2024-01-31', 'B', 5],
    });
  });

  it("takes the quotes of a literal that is only a template ('{{x}}' or \"{{x}}\"), and binds the injection payload as a value", () => {
    expect(bind(`select * from t where name = '{{context.probe}}' or d = "{{context.day}}" or e = {{context.day}}`)).toEqual({
      text: 'select * from t where name = ? or d = ? or e = ?',
      params: [PROBE, '2024-01-31', '2024-01-31'],
    });
  });

  it('quotes a template inside a backquoted identifier by doubling backquotes', () => {
    expect(bind('select * from `{{context.table}}` where a = {{context.n}}')).toEqual({ text: 'select * from `orders``; drop table t; --` where a = ?', params: [5] });
  });

  it('leaves strings, comments and ? marks without templates as they are, params untouched', () => {
    const sql = "select 'it''s ?', 'a\\'b {x}', \"q?\", `c?` -- note ?\n# hash ?\n/* c ? */ from t where a = ?";
    const params = ['A'];
    const bound = bind(sql, params);
    expect(bound.text).toBe(sql);
    expect(bound.params).toBe(params);
  });

  it('skips a ? inside a backslash-escaped string when counting the flow\'s params', () => {
    expect(bind("select 'a\\' ?' , ? , {{context.n}}", ['A']).params).toEqual(['A', 5]);
  });

  it.each([
    ["select '%{{context.day}}%'", 'stands inside a string literal', /CONCAT\('%', \{\{context\.x\}\}, '%'\)/],
    ['select "x{{context.day}}"', 'stands inside a string literal', /whole literal/],
    ['select 1 -- {{context.day}}', 'stands inside a comment', /remove the template/],
    ['select 1 # {{context.day}}', 'stands inside a comment', /remove the template/],
    ['select 1 /* {{context.day}} */', 'stands inside a comment', /remove the template/],
    ['select * from stg_{{context.n}}', 'is glued to a name', /quote all of it/],
  ])('refuses a template that cannot be a parameter: %s', (sql, place, hint) => {
    const error = refusal(sql);
    expect(error.message).toMatch(new RegExp(`^\\{\\{.*\\}\\} in q\\.configs\\.query ${place}: a value is never spliced into SQL text$`));
    expect(error.hint).toMatch(hint);
  });
});

describe('resolveConfigTemplates with a `format: sql-mysql` field', () => {
  const schema = { properties: { query: { type: 'string', format: 'sql-mysql' }, params: { type: 'array' } } };

  it('merges template values into params in placeholder order', () => {
    expect(resolveConfigTemplates({ query: 'select ? as a, {{context.n}} as b, ? as c', params: ['{{context.day}}', 3] }, schema, scope, 'q.configs')).toEqual({
      query: 'select ? as a, ? as b, ? as c',
      params: ['2024-01-31', 5, 3],
    });
  });

  it('needs a params field beside a templated query', () => {
    expect(() => resolveConfigTemplates({ query: 'select {{context.n}}' }, { properties: { query: { format: 'sql-mysql' } } }, scope, 'q.configs')).toThrow(/q\.configs\.query holds templates, but its module has no params field/);
  });
});
