import { describe, expect, it } from 'vitest';
import { resolveConfigTemplates } from './resolve-config.js';
import { bindSqlTemplates } from './sql-templates.js';
import type { TemplateScope } from './templater.js';

const PROBE = "x' union all select pg_read_file('/etc/hostname') --";
const scope: TemplateScope = {
  context: { day: '2024-01-31', probe: PROBE, n: 5, table: 'orders"; drop table t; --', schema: 'sales' },
  secrets: new Map([['token', 'tok-123']]),
  iter: { index: 2, item: { path: '/data/a.csv' } },
  global: (m, v) => (m === 'files' && v === 'count' ? 3 : undefined),
};
const bind = (sql: string, first = 1) => bindSqlTemplates(sql, scope, 'q.configs.query', first);
const refusal = (sql: string) => {
  try {
    bind(sql);
  } catch (error) {
    return error as Error & { hint?: string };
  }
  throw new Error(`${sql} was accepted`);
};

describe('bindSqlTemplates', () => {
  it('turns value templates into $n placeholders with their values as parameters, numbered after the given ones', () => {
    expect(bind('select * from t where day = {{context.day}} and n < {{ context.n }} and f = {{iter.item.path}}', 3)).toEqual({
      text: 'select * from t where day = $3 and n < $4 and f = $5',
      values: ['2024-01-31', 5, '/data/a.csv'],
    });
    expect(bind('select {{secret.token}}, {{files__count}}, {{iter.index}}')).toEqual({ text: 'select $1, $2, $3', values: ['tok-123', 3, 2] });
  });

  it("takes the quotes of a literal that is only a template with it ('{{x}}' → $n), and reuses the placeholder of a repeated template", () => {
    expect(bind("select * from t where day = '{{context.day}}'::date or d2 = {{context.day}}")).toEqual({
      text: 'select * from t where day = $1::date or d2 = $1',
      values: ['2024-01-31'],
    });
  });

  it('binds the injection payload as a plain value: the SQL text keeps its shape', () => {
    const { text, values } = bind("select * from t where name = '{{context.probe}}'");
    expect(text).toBe('select * from t where name = $1');
    expect(values).toEqual([PROBE]);
  });

  it('quotes a template inside a double-quoted identifier by the identifier rule ("" for ")', () => {
    expect(bind('select * from "{{context.schema}}"."{{context.table}}" x where a = {{context.n}}')).toEqual({
      text: 'select * from "sales"."orders""; drop table t; --" x where a = $1',
      values: [5],
    });
    expect(bind('select 1 from "stg_{{context.schema}}"').text).toBe('select 1 from "stg_sales"');
  });

  it('leaves strings, identifiers, comments, $n and dollar quotes without templates as they are', () => {
    const sql = `select 'it''s {x}', "a""b", $1, $$ {y} $$, $tag$ x $tag$ -- note\n/* a /* nested */ comment */ from t`;
    expect(bind(sql)).toEqual({ text: sql, values: [] });
  });

  it.each([
    ["select '%{{context.day}}%'", 'stands inside a string literal', /'%' \|\| \{\{context\.x\}\} \|\| '%'/],
    ["select E'{{context.day}}'", 'stands inside a string literal', /whole literal/],
    ["select 'a''{{context.day}}'", 'stands inside a string literal', /whole literal/],
    ['select 1 -- {{context.day}}', 'stands inside a comment', /remove the template/],
    ['select 1 /* x /* {{context.day}} */ */', 'stands inside a comment', /remove the template/],
    ['select $$ {{context.day}} $$', 'stands inside a dollar-quoted string', /query parameter/],
    ['select * from stg_{{context.schema}}', 'is glued to a name', /quote all of it/],
    ['select {{context.n}}abc', 'is glued to a name', /quote all of it/],
  ])('refuses a template that cannot be a parameter: %s', (sql, place, hint) => {
    const error = refusal(sql);
    expect(error.message).toMatch(new RegExp(`^\\{\\{.*\\}\\} in q\\.configs\\.query ${place}: a value is never spliced into SQL text$`));
    expect(error.hint).toMatch(hint);
  });

  it('names an unknown variable like every other template', () => {
    expect(refusal('select {{context.nope}}').message).toMatch(/unresolved variable \{\{context\.nope\}\} in q\.configs\.query/);
  });
});

describe('resolveConfigTemplates with a `format: sql` field', () => {
  const schema = { properties: { query: { type: 'string', format: 'sql' }, params: { type: 'array' } } };

  it("numbers the query's templates after the flow's own params and appends their values", () => {
    const config = resolveConfigTemplates({ query: 'select * from t where a = $1 and b = {{context.n}}', params: ['{{context.day}}'] }, schema, scope, 'q.configs');
    expect(config).toEqual({ query: 'select * from t where a = $1 and b = $2', params: ['2024-01-31', 5] });
  });

  it('refuses templates in SQL when the module has no params field to bind them to', () => {
    expect(() => resolveConfigTemplates({ query: 'select {{context.n}}' }, { properties: { query: { format: 'sql' } } }, scope, 'q.configs')).toThrow(/q\.configs\.query holds templates, but its module has no params field/);
    expect(resolveConfigTemplates({ query: 'select 1' }, { properties: { query: { format: 'sql' } } }, scope, 'q.configs')).toEqual({ query: 'select 1' });
  });
});
