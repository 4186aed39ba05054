import { Field, Int32, Schema } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import sort from './index.js';

const input = new Schema([new Field('n', new Int32(), true), new Field('amount', new Int32(), true)]);

describe('sort_mod outputSchemas', () => {
  it('keeps the input schema and accepts the documented key forms', async () => {
    const r = await outputSchemasOf(sort, { by: ['n', 'amount desc', 'n ASC'] }, { input });
    expect(r.outputs?.output).toBe(input);
    expect(r.problems).toEqual([]);
  });

  it('names a direction it does not take, with the accepted forms, whether or not the input is known', async () => {
    for (const inputs of [{ input }, {}]) {
      const r = await outputSchemasOf(sort, { by: ['n descending'] }, inputs);
      expect(r.problems).toEqual([{ key: ['by', 0], message: 'sort key "n descending": "descending" is not a direction', hint: expect.stringMatching(/^write "n desc"; a sort key is "column", "column asc" or "column desc"/) }]);
    }
  });

  it('names an unknown column with the nearest one', async () => {
    const r = await outputSchemasOf(sort, { by: ['amont desc'] }, { input });
    expect(r.problems?.[0].message).toBe('sort key "amont desc": by names column "amont", which the input does not have (did you mean "amount"?)');
  });
});
