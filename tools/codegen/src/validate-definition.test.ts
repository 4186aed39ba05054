import { describe, expect, it } from 'vitest';
import { packageNameFor, validateDefinition } from './validate-definition.js';

const base = { name: 'csv_source', type: 'source', description: 'Reads CSV', category: 'File Sources', outputPorts: ['data'], run: async () => ({}) };
const PKG = '@pypeline/mod-csv-source';

describe('validateDefinition', () => {
  it('accepts a valid source and fills absent lists', () => {
    expect(validateDefinition(base, PKG)).toEqual({
      value: { name: 'csv_source', type: 'source', description: 'Reads CSV', category: 'File Sources', inputPorts: [], manyInputPorts: [], outputPorts: ['data'], globals: [], cacheable: true },
      errors: [],
    });
  });

  it.each([
    ['source with inputs', { inputPorts: ['in'] }, 'a source module has no data inputs'],
    ['source without outputs', { outputPorts: [] }, 'a source module needs at least one output port'],
    ['sink with outputs', { name: 'csv_sink', type: 'sink', inputPorts: ['input'] }, 'a sink module has no data outputs'],
    ['solo with ports', { name: 'csv_solo', type: 'solo' }, 'a solo module has no data outputs'],
    ['mod without inputs', { name: 'csv_mod', type: 'mod' }, 'a mod module needs at least one input port'],
    ['unknown type', { type: 'transform' }, 'type "transform" is unknown'],
    ['camelCase name', { name: 'csvSource' }, 'e.g. "csv_source"'],
    ['duplicate global', { globals: ['a', 'a'] }, 'globals lists "a" twice'],
    ['empty category', { category: '' }, 'category is empty'],
    ['migration keyed by a name', { migrations: { v2: (c: object) => c } }, 'migrations key "v2" is not a major version'],
    ['migration that is not a function', { migrations: { 2: 'rename' } }, 'migrations[2] is not a function'],
    ['cacheable that is not a boolean', { cacheable: 'no' }, 'cacheable must be true or false'],
    ['many port that is not an input port', { name: 'csv_mod', type: 'mod', inputPorts: ['input'], manyInputPorts: ['inputs'] }, 'manyInputPorts names "inputs", which is not in inputPorts [input]'],
  ])('reports a %s', (_label, patch, message) => {
    const pkg = 'name' in patch ? packageNameFor(patch.name as string) : PKG;
    const { value, errors } = validateDefinition({ ...base, ...patch }, pkg);
    expect(value).toBeUndefined();
    expect(errors.join('\n')).toContain(message);
  });

  it('resolves cacheable: sources and mods unless they opt out, never sinks and solos', () => {
    expect(validateDefinition({ ...base, cacheable: false }, PKG).value?.cacheable).toBe(false);
    const sink = { ...base, name: 'csv_sink', type: 'sink', inputPorts: ['input'], outputPorts: [], cacheable: true };
    expect(validateDefinition(sink, packageNameFor('csv_sink')).value?.cacheable).toBe(false);
  });

  it('requires @pypeline packages to follow the name rule', () => {
    expect(validateDefinition(base, '@pypeline/csv').errors).toEqual([
      'module "csv_source" must live in package @pypeline/mod-csv-source: rename the package or the module',
    ]);
    expect(validateDefinition(base, 'acme-pypeline-csv').errors).toEqual([]);
  });

  it('refuses a default export that is not a definition', () => {
    expect(validateDefinition({ name: 'x' }, PKG).errors[0]).toContain('export default defineModule');
  });
});
