import { describe, expect, it } from 'vitest';
import { resolveExpressionTemplates, resolveTemplates, type TemplateScope } from './templater.js';

// Core's half of "integers from templates stay integers": a whole-number template value reaches a
// module config as a JS integer (or an exact bigint), and an expression as integer literal text
// with no decimal point; the expression language then types that literal (see docs/expressions.md).

const scope = (globals: Record<string, unknown> = {}): TemplateScope => ({
  context: { n: 5, ratio: 0.5 },
  iter: { index: 2, item: { id: 7, big: 9007199254740993n } },
  global: (m, v) => globals[`${m}__${v}`],
});

describe('template values keep their number kind', () => {
  it('a whole reference keeps an integer as a JS integer', () => {
    const config = resolveTemplates({ a: '{{iter.index}}', b: '{{ iter.item.id }}', c: '{{context.n}}', d: '{{src__row_count}}' }, scope({ src__row_count: 60000 }), 'configs') as Record<string, unknown>;
    expect(config).toEqual({ a: 2, b: 7, c: 5, d: 60000 });
    for (const v of Object.values(config)) expect(Number.isSafeInteger(v)).toBe(true);
    expect(resolveTemplates('{{iter.item.big}}', scope(), 'configs')).toBe(9007199254740993n);
  });

  it('an expression gets integer literal text, exact past 2^53, and a fraction only for a fraction', () => {
    const s = scope({ src__row_count: 60000, src__huge: 9223372036854775807n });
    expect(resolveExpressionTemplates('{{iter.index}} + 1', s, 'derive')).toBe('2 + 1');
    expect(resolveExpressionTemplates('{{src__row_count}} * {{context.ratio}}', s, 'derive')).toBe('60000 * 0.5');
    expect(resolveExpressionTemplates('{{iter.item.big}} == id', s, 'derive')).toBe('9007199254740993 == id');
    expect(resolveExpressionTemplates('{{src__huge}}', s, 'derive')).toBe('9223372036854775807');
  });
});
