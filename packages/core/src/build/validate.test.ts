import { describe, expect, it } from 'vitest';
import { check, flowYaml } from '../testing/flow-files.js';

const SRC = `  - id: src
    name: emit_rows
    configs:
      required:
        rows: 3`;
const MOD = `  - id: pass
    name: pass_rows`;
const SINK = `  - id: out
    name: count_sink`;
const SOLO = (id: string, extra = '') => `  - id: ${id}
    name: sleep_solo
    configs:
      required:
        ms: 1${extra}`;
const CHAIN = ['src.data - pass.input', 'pass.output - out.input'];

function only(errors: { message: string }[], pattern: RegExp) {
  const hits = errors.filter((e) => pattern.test(e.message));
  expect(hits, `no error matching ${pattern} in:\n${errors.map((e) => e.message).join('\n')}`).not.toHaveLength(0);
  return hits[0] as any;
}

describe('validation: every problem with its path and line', () => {
  it('accepts a valid flow', () => {
    const r = check(flowYaml({ modules: [SRC, MOD, SINK].join('\n'), data: CHAIN }));
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('reports YAML syntax errors with their line', () => {
    const r = check('flow:\n  name: x\nmodules:\n  - id: a\n   name: b\n');
    expect(r.ok).toBe(false);
    expect(r.errors[0].message).toMatch(/YAML syntax error/);
    expect(r.errors[0].line).toBe(5);
  });

  it('reports unknown keys with a did-you-mean', () => {
    const r = check(`flow:\n  name: x\nsetings:\n  retries: 1\nmodules:\n${SOLO('a')}\n`);
    const e = only(r.errors, /unknown key "setings"/);
    expect(e.message).toMatch(/Did you mean "settings"/);
    expect(e.line).toBe(3);
    expect(e.path).toBe('setings');
  });

  it('reports unknown keys inside modules', () => {
    const r = check(`flow:\n  name: x\nmodules:\n  - id: a\n    name: sleep_solo\n    confgs: {}\n`);
    const e = only(r.errors, /unknown key "confgs"/);
    expect(e.message).toMatch(/Did you mean "configs"/);
    expect(e.line).toBe(6);
  });

  it('reports duplicate module ids', () => {
    const r = check(flowYaml({ modules: [SOLO('a'), SOLO('a')].join('\n') }));
    const e = only(r.errors, /duplicate module id "a"/);
    expect(e.line).toBe(9);
    expect(e.path).toBe('modules[1].id');
  });

  it('reports unknown module names with a suggestion', () => {
    const r = check(flowYaml({ modules: `  - id: a\n    name: emit_rowz` }));
    const e = only(r.errors, /unknown module "emit_rowz"/);
    expect(e.message).toMatch(/Did you mean "emit_rows"/);
    expect(e.line).toBe(5);
    expect(e.hint).toMatch(/installed modules: .*sleep_solo/);
  });

  it('reports missing required config', () => {
    const r = check(flowYaml({ modules: `  - id: a\n    name: sleep_solo\n    configs:\n      optional:\n        note: hi` }));
    const e = only(r.errors, /missing required config key "ms"/);
    expect(e.path).toBe('modules[0].configs.required');
    expect(e.hint).toMatch(/add ms/);
  });

  it('reports config values of the wrong type', () => {
    const r = check(flowYaml({ modules: `  - id: a\n    name: sleep_solo\n    configs:\n      required:\n        ms: soon` }));
    const e = only(r.errors, /"ms" must be an integer \(got string "soon"\)/);
    expect(e.line).toBe(8);
  });

  it('never echoes the value of a secret field', () => {
    const r = check(flowYaml({ modules: [SRC, `  - id: out\n    name: count_sink\n    configs:\n      optional:\n        secret_token: 12345678`].join('\n'), data: ['src.data - out.input'] }));
    const e = only(r.errors, /"secret_token" must be a string/);
    expect(JSON.stringify(r)).not.toContain('12345678');
    expect(e.message).toMatch(/got a value/);
  });

  it('reports unknown config keys with a suggestion', () => {
    const r = check(flowYaml({ modules: `  - id: a\n    name: sleep_solo\n    configs:\n      required:\n        ms: 1\n      optional:\n        nots: hi` }));
    const e = only(r.errors, /unknown config key "nots"/);
    expect(e.message).toMatch(/Did you mean "note"/);
    expect(e.line).toBe(10);
  });

  it('reports unknown ports', () => {
    const r = check(flowYaml({ modules: [SRC, MOD, SINK].join('\n'), data: ['src.dta - pass.input', 'pass.output - out.inptu'] }));
    expect(only(r.errors, /src \(emit_rows\) has no output port "dta"/).message).toMatch(/Did you mean "data"/);
    expect(only(r.errors, /out \(count_sink\) has no input port "inptu"/).line).toBe(16);
  });

  it('reports a data edge into a source or out of a sink', () => {
    const r = check(flowYaml({ modules: [SRC, MOD, SINK].join('\n'), data: ['pass.output - src.data', 'out.input - pass.input'] }));
    only(r.errors, /goes into src, a source .*sources have no data inputs/);
    only(r.errors, /leaves out, a sink .*sinks have no data outputs/);
  });

  it('reports control edges the category table forbids', () => {
    const r = check(flowYaml({
      modules: [SRC, MOD, SINK, SOLO('job')].join('\n'),
      data: CHAIN,
      control: ['job (1|) out', 'job (2|) pass'],
    }));
    only(r.errors, /goes into out \(count_sink\); sinks take no incoming control/);
    only(r.errors, /goes into pass \(pass_rows\); transform modules/);
  });

  it('accepts control edges inside a sub flow that agree with the data (with a warning)', () => {
    const r = check(flowYaml({ modules: [SRC, MOD, SINK].join('\n'), data: CHAIN, control: ['src (1|) pass', 'pass (2|) out'] }));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(2);
  });

  it('accepts order 0 (launch at once) and refuses it on START, and parallel anywhere but ITERATE', () => {
    expect(check(flowYaml({ modules: [SOLO('a'), SOLO('b')].join('\n'), control: ['a (0|) b'] })).errors).toEqual([]);
    const r = check(flowYaml({ modules: [SOLO('a'), SOLO('b'), SOLO('c'), SOLO('d')].join('\n'), control: ['a (start 0|) b', 'a (1 parallel 2|) c', 'a (iterate parallel 0|) d'] }));
    const e = only(r.errors, /START with order 0 says nothing more than START/);
    expect(e.path).toBe('connections.control[0]');
    expect(e.line).toBe(27); // four modules of three lines, then the connections
    only(r.errors, /"parallel" applies to ITERATE connections only/);
    only(r.errors, /"parallel 0" is not a whole number of 1 or more/);
  });

  it('reports control cycles with the chain', () => {
    const r = check(flowYaml({ modules: [SOLO('a'), SOLO('b'), SOLO('c')].join('\n'), control: ['a (1|) b', 'b (1|) c', 'c (1|) a'] }));
    only(r.errors, /control connections form a cycle: a -> b -> c -> a/);
  });

  it('reports data cycles with the chain', () => {
    const r = check(flowYaml({ modules: [SRC, MOD, `  - id: pass2\n    name: pass_rows`].join('\n'), data: ['pass.output - pass2.input', 'pass2.output - pass.input'] }));
    only(r.errors, /data connections form a cycle: pass -> pass2 -> pass/);
  });

  it('reports a valve condition that does not parse, pointing into it', () => {
    const r = check(flowYaml({ modules: [SOLO('a'), SOLO('b')].join('\n'), control: ['a (1|{{a__slept}} > ) b'] }));
    const e = only(r.errors, /valve condition "\{\{a__slept\}\} >" does not parse/);
    expect(e.line).toBe(17);
    expect(e.column).toBeGreaterThan(10);
  });

  it('reports a valve condition reading an unknown global', () => {
    const r = check(flowYaml({ modules: [SOLO('a'), SOLO('b')].join('\n'), control: ['a (1|{{a__slpet}} > 0) b'] }));
    only(r.errors, /sets no global "slpet". Did you mean "slept"/);
  });

  it('reports unknown template references in configs', () => {
    const r = check(flowYaml({ context: '  default:\n    wait: 5', modules: SOLO('a', '\n      optional:\n        note: "{{context.wiat}} {{nope__x}}"') }));
    only(r.errors, /context variable "wiat" is not defined.*Did you mean "wait"/);
    only(r.errors, /unknown module "nope"/);
  });

  it('reports every problem of a broken flow at once', () => {
    const r = check(flowYaml({
      modules: [SRC, MOD, SINK, SOLO('a'), SOLO('a'), `  - id: z\n    name: nothing_here`].join('\n'),
      data: ['src.data - pass.input', 'pass.output - out.inptu'],
      control: ['a (zero|) src', 'src (1|a >) a'],
    }));
    for (const p of [/duplicate module id/, /unknown module "nothing_here"/, /no input port "inptu"/, /the order "zero" is not a number/, /does not parse/]) only(r.errors, p);
    expect(r.errors.every((e) => e.line > 0)).toBe(true);
  });

  it('reports a schema error for a bad fail_strategy with the allowed values', () => {
    const r = check(flowYaml({ settings: '  fail_strategy: stop', modules: SOLO('a') }));
    const e = only(r.errors, /"fail_strategy" must be one of "halt", "continue"/);
    expect(e.line).toBe(4);
  });
});
