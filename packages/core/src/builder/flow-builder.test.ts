import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { flow, step } from './flow-builder.js';

interface SourceConfig {
  rows: number;
  label?: string;
}
const emitRows = step<SourceConfig, never, 'data'>('emit_rows', { required: ['rows'] });
const countSink = step<{ limit?: number }, 'input', never>('count_sink');
const sleepSolo = step<{ ms: number; note?: string }, never, never>('sleep_solo', { required: ['ms'] });

describe('flow() builder', () => {
  it('produces the YAML document of the equivalent flow', () => {
    const f = flow<{ n: number }>({ name: 'built' }).settings({ retries: 1 }).context('default', { n: 3 });
    const src = f.add(emitRows('src', { rows: 3, label: 'x' }, { retries: 2 }));
    const out = f.add(countSink('out', {}));
    const a = f.add(sleepSolo('a', { ms: 1 }));
    const b = f.add(sleepSolo('b', { ms: 1, note: 'hi' }));
    f.data(src.out('data'), out.in('input'))
      .control(out, a, { order: 2, condition: '{{out__seen}} > 0' })
      .iterate(src, b)
      .start(a, b, { order: 'Last' });
    expect(parse(f.toYaml())).toEqual({
      flow: { name: 'built' },
      settings: { retries: 1 },
      context: { default: { n: 3 } },
      modules: [
        { id: 'src', name: 'emit_rows', retries: 2, configs: { required: { rows: 3 }, optional: { label: 'x' } } },
        { id: 'out', name: 'count_sink' },
        { id: 'a', name: 'sleep_solo', configs: { required: { ms: 1 } } },
        { id: 'b', name: 'sleep_solo', configs: { required: { ms: 1 }, optional: { note: 'hi' } } },
      ],
      connections: {
        data: ['src.data - out.input'],
        control: ['out (2|{{out__seen}} > 0) a', 'src (iterate|) b', 'a (start Last|) b'],
      },
    });
  });

  it('refuses duplicate ids at once', () => {
    const f = flow({ name: 'dup' });
    f.add(sleepSolo('a', { ms: 1 }));
    expect(() => f.add(sleepSolo('a', { ms: 2 }))).toThrow(/duplicate module id "a"/);
  });

  it('makes config and port mistakes compile errors (checked by typecheck)', () => {
    const f = flow({ name: 'typed' });
    // @ts-expect-error misspelled config key
    emitRows('x', { rowz: 3 });
    // @ts-expect-error wrong config value type
    emitRows('y', { rows: 'three' });
    // @ts-expect-error missing required key
    emitRows('z', {});
    const src = f.add(emitRows('src', { rows: 1 }));
    const out = f.add(countSink('out', {}));
    // @ts-expect-error a source has no input ports
    src.in('input');
    // @ts-expect-error no such output port
    f.data(src.out('dta'), out.in('input'));
    expect(true).toBe(true);
  });
});
