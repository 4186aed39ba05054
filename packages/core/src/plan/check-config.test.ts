import { describe, expect, it } from 'vitest';
import type { ModuleSpec } from '../flow/types.js';
import { addValueCheck, checkConfig, configProblems, type ConfigOwner } from './check-config.js';

addValueCheck('even', (v) => (typeof v === 'number' && v % 2 === 0 ? undefined : `${JSON.stringify(v)} is not even`));

// As aggregate_mod's generated schema: `@format aggregate` on each value.
const owner: ConfigOwner = {
  name: 'totals_mod',
  config_schema: { required: { aggregates: { type: 'object', description: 'Output columns' } }, optional: { pairs: { type: 'integer' } } },
  json_schema: {
    type: 'object',
    properties: {
      aggregates: { type: 'object', additionalProperties: { type: 'string', format: 'aggregate', description: 'count(*), sum(col), …' } },
      pairs: { type: 'integer', check: 'even', description: 'An even number' },
    },
    required: ['aggregates'],
    additionalProperties: false,
  },
};
const spec = (required: Record<string, unknown>, optional: Record<string, unknown> = {}) => ({ id: 't', name: 'totals_mod', configs: { required, optional } }) as unknown as ModuleSpec;

describe('checkConfig value checks', () => {
  it('checks every aggregate at build, each with its own message', () => {
    const { problems } = checkConfig(spec({ aggregates: { n: 'count(*)', a: 'medain(x)', b: 'sum(*)' } }), owner);
    expect(problems.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['configs.required.aggregates.a', expect.stringMatching(/^config "a": "medain\(x\)": unknown function medain \(did you mean median\?\); allowed: count\(\*\), count\(\[distinct\] col\), count_if\(condition\)/)],
      ['configs.required.aggregates.b', 'config "b": "sum(*)": sum(*) is not defined; only count(*) takes *; write sum(col) or sum(distinct col)'],
    ]);
    expect(problems[0].hint).toBe('count(*), sum(col), …');
  });

  it('runs a `check` keyword on any value, and leaves templates for run time', () => {
    expect(checkConfig(spec({ aggregates: { n: 'count(*)' } }, { pairs: 3 }), owner).problems.map((p) => p.message)).toEqual(['config "pairs": 3 is not even']);
    expect(checkConfig(spec({ aggregates: { n: 'count(*)' } }, { pairs: '{{context.p}}' }), owner).problems).toEqual([]);
    expect(checkConfig(spec({ aggregates: { n: '{{context.fn}}(amount)' } }), owner).problems).toEqual([]);
    expect(configProblems(owner, { aggregates: { n: 'count(*)' }, pairs: 4 })).toEqual([]);
  });
});
