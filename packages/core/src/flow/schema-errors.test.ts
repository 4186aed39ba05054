import { describe, expect, it } from 'vitest';
import { loadFlowText } from './load-flow.js';

const messages = (settings: string) =>
  loadFlowText('f.yaml', `flow: { name: x }\nmodules:\n  - { id: a, name: log_message }\nsettings: ${settings}\n`).diagnostics.map((d) => `${d.path}: ${d.message}`);

describe('explainSchemaErrors on the generated flow schema', () => {
  it('reports a bad literal union once, by its allowed values', () => {
    expect(messages('{ fail_strategy: 3 }')).toEqual(['settings.fail_strategy: "fail_strategy" must be one of "halt", "continue"']);
  });

  it('merges the branches of `string | integer` into one message naming both types', () => {
    expect(messages('{ checkpoint_interval: 1.5 }')).toEqual(['settings.checkpoint_interval: "checkpoint_interval" must be a string or integer (got number 1.5)']);
    expect(messages('{ checkpoint_interval: 10s, threads: 0 }')).toEqual(['settings.threads: "threads" must be >= 1']);
  });

  it('checks the form of settings.spill.memory_budget', () => {
    expect(messages('{ spill: { memory_budget: 256MB } }')).toEqual([]);
    expect(messages('{ spill: { memory_budget: 1048576 } }')).toEqual([]);
    expect(messages('{ spill: { memory_budget: 12 XB } }')).toHaveLength(1);
    expect(messages('{ spill: { memory_budget: 12 XB } }')[0]).toMatch(/^settings\.spill\.memory_budget: /);
  });
});
