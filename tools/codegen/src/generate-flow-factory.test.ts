import { describe, expect, it } from 'vitest';
import { factoryName, generateFlowFactory } from './generate-flow-factory.js';
import type { Manifest } from './manifest.js';

const manifest = {
  name: 'filter_mod', entry: './dist/index.js', type: 'mod', description: 'Keeps rows; never */ closes early',
  input_ports: ['input'], output_ports: ['output', 'reject'],
  config_schema: { required: { condition: { type: 'string' } }, optional: { mode: { type: 'string' } } },
} as unknown as Manifest;

describe('generateFlowFactory', () => {
  it('writes a factory that returns the step and declares its config type and ports', async () => {
    const { js, dts } = generateFlowFactory(manifest);
    expect(dts).toContain("import type { Config } from './dist/config.js';");
    expect(dts).toContain("export declare function filterMod(id: string, config: StepConfig<Config>, options?: StepOptions): StepSpec<'input', 'output' | 'reject'>;");
    expect(js).toContain('never *\\/ closes early');
    const mod = await import(`data:text/javascript,${encodeURIComponent(js)}`);
    expect(mod.filterMod('keep', { condition: 'age > 18' }, { retries: 2 })).toEqual({ id: 'keep', name: 'filter_mod', config: { condition: 'age > 18' }, options: { retries: 2 }, required: ['condition'] });
  });

  it('types a module without ports with never', () => {
    expect(generateFlowFactory({ ...manifest, name: 'shell_solo', input_ports: [], output_ports: [] }).dts).toContain('StepSpec<never, never>');
  });

  it('names factories in camelCase, away from reserved words', () => {
    expect(factoryName('csv_source')).toBe('csvSource');
    expect(factoryName('s3_sink')).toBe('s3Sink');
    expect(factoryName('delete')).toBe('deleteStep');
  });
});
