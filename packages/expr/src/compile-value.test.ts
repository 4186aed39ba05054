import { DateDay, Dictionary, Float64, Int32, Int64, Table, TimestampMicrosecond, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { checkValue, compileValue } from './compile-value.js';
import { ExprError } from './diagnostic.js';
import { parseExpression } from './parse.js';

const table = new Table({
  qty: vectorFromArray([2, null, 5], new Int32()),
  price: vectorFromArray([1.5, 2, null], new Float64()),
  name: vectorFromArray(['Ann', 'bob', null], new Utf8()),
  kind: vectorFromArray(['a', 'b', 'a'], new Dictionary(new Utf8(), new Int32())),
  big: vectorFromArray([1n, 2n, 3n], new Int64()),
  day: vectorFromArray([new Date('2024-01-31T00:00:00Z'), null, new Date('2024-02-01T00:00:00Z')], new DateDay()),
});

function derive(source: string, vars: Record<string, unknown> = {}): Vector {
  const { expr, errors } = parseExpression(source);
  expect(errors).toEqual([]);
  const kernel = compileValue(expr!, table.schema, (name) => vars[name]);
  return kernel(table.batches[0]);
}

const values = (v: Vector) => [...v].map((x) => (typeof x === 'bigint' ? Number(x) : x));

describe('compileValue', () => {
  it('computes floats as Float64 and integers as Int64, with SQL nulls', () => {
    const v = derive('qty * price + 1');
    expect(String(v.type)).toBe('Float64');
    expect(values(v)).toEqual([4, null, null]);
    expect(values(derive('qty / 0'))).toEqual([null, null, null]);
    expect(String(derive('big * 2').type)).toBe('Int64');
    expect(values(derive('big * 2'))).toEqual([2, 4, 6]);
    expect(String(derive('qty + 1').type)).toBe('Int64');
    expect(String(derive('qty / 2').type)).toBe('Float64');
    expect(values(derive('qty // 2'))).toEqual([1, null, 2]);
  });

  it('computes strings, booleans and functions, dictionary columns included', () => {
    expect(values(derive('upper(name)'))).toEqual(['ANN', 'BOB', null]);
    expect(String(derive('upper(kind)').type)).toBe('Utf8');
    expect(values(derive('upper(kind)'))).toEqual(['A', 'B', 'A']);
    expect(values(derive("coalesce(name, 'n/a')"))).toEqual(['Ann', 'bob', 'n/a']);
    const flag = derive('qty > 2 or name is null');
    expect(String(flag.type)).toBe('Bool');
    expect(values(flag)).toEqual([false, null, true]);
    expect(values(derive('length(name)'))).toEqual([3, 3, null]);
  });

  it('passes a bare column through with its own type', () => {
    const v = derive('qty');
    expect(String(v.type)).toBe('Int32');
    expect(v.data[0]).toBe(table.batches[0].data.children[0]);
  });

  it('repeats constants and variables on every row', () => {
    expect(values(derive("'x'"))).toEqual(['x', 'x', 'x']);
    expect(values(derive('{{src__n}} + 1', { src__n: 41 }))).toEqual([42, 42, 42]);
    expect(values(derive('{{flag}}', { flag: true }))).toEqual([true, true, true]);
    expect(values(derive('null'))).toEqual([null, null, null]);
  });

  it('gives dates as DateDay and timestamps as microsecond timestamps', () => {
    const v = derive('coalesce(day, day)');
    expect(v.type).toBeInstanceOf(DateDay);
    expect(values(v)).toEqual([Date.UTC(2024, 0, 31), null, Date.UTC(2024, 1, 1)]);
    const t = derive("day + interval '90 minutes'");
    expect(t.type).toBeInstanceOf(TimestampMicrosecond);
    expect(values(t)).toEqual([Date.UTC(2024, 0, 31, 1, 30), null, Date.UTC(2024, 1, 1, 1, 30)]);
    expect(String(derive("date_trunc('month', day)").type)).toBe('Timestamp<MICROSECOND>');
    expect(values(derive('day - make_date(2024, 1, 1)'))).toEqual([30, null, 31]);
  });

  it('reports unknown columns and type errors together', () => {
    const { expr } = parseExpression("nme + 'a' * 2");
    const error = (() => {
      try {
        compileValue(expr!, table.schema);
      } catch (e) {
        return e;
      }
    })() as ExprError;
    expect(error).toBeInstanceOf(ExprError);
    expect(error.diagnostics.map((d) => d.message)).toEqual(['unknown column `nme`', "'*' cannot combine a string and an integer"]);
  });

  it('refuses a batch whose column type changed', () => {
    const { expr } = parseExpression('qty + 1');
    const kernel = compileValue(expr!, table.schema);
    const other = new Table({ qty: vectorFromArray(['1'], new Utf8()) });
    expect(() => kernel(other.batches[0])).toThrow('column `qty` is a string in this batch, but the expression was compiled for an integer');
  });
});

describe('checkValue', () => {
  const check = (source: string) => checkValue(parseExpression(source).expr!, table.schema);

  it('gives the Arrow type a compiled kernel would return, without variables known', () => {
    expect(String(check('price * qty').arrowType)).toBe('Float64');
    expect(String(check('name').arrowType)).toBe('Utf8');
    expect(String(check('kind').arrowType)).toBe(String(table.schema.fields.find((f) => f.name === 'kind')!.type));
    expect(check('{{anything}}').arrowType).toBeNull();
    const kernel = compileValue(parseExpression('upper(name)').expr!, table.schema);
    expect(String(kernel.arrowType)).toBe(String(check('upper(name)').arrowType));
    expect(String(kernel(table.batches[0]).type)).toBe(String(kernel.arrowType));
  });

  it('lists every problem instead of throwing', () => {
    const { arrowType, diagnostics } = check('pryce * 2 + upper(qty)');
    expect(arrowType).toBeNull();
    expect(diagnostics.map((d) => d.message)).toEqual(['unknown column `pryce`', 'argument 1 of `upper()` must be a string, got an integer']);
  });
});
