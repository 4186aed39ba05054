import { Binary, Decimal, Field, Int32, Int64, Schema, Table, TimestampMillisecond, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { columnIssues, messageEncoder } from './message-values.js';
import { templateColumns } from './topic-template.js';

const table = new Table({
  site: vectorFromArray(['north', 'south', null], new Utf8()),
  id: vectorFromArray([1n, 9007199254740993n, 3n], new Int64()),
  n: vectorFromArray([1, 2, 3], new Int32()),
  at: vectorFromArray([Date.UTC(2024, 0, 2, 3, 4, 5), 0, 0], new TimestampMillisecond()),
  raw: vectorFromArray([new Uint8Array([0, 255]), new Uint8Array([1]), new Uint8Array([])], new Binary()),
  price: makeVector(makeData({ type: new Decimal(2, 10, 128), length: 3, nullCount: 0, data: new Uint32Array([12345, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]) })),
});
const batch = table.batches[0];

describe('messageEncoder', () => {
  it('writes each row as JSON with 64-bit integers, decimals and timestamps exact, to a fixed target', () => {
    const { targets, payloads } = messageEncoder(table.schema, { where: 'test', target: 'fixed' })(batch.slice(0, 2));
    expect(targets).toEqual(['fixed', 'fixed']);
    expect(payloads[0].toString()).toBe('{"site":"north","id":1,"n":1,"at":"2024-01-02T03:04:05.000Z","raw":"AP8=","price":123.45}');
    expect(payloads[1].toString()).toContain('"id":9007199254740993');
  });

  it('fills {column} placeholders from each row, and names the row and column when a value is null', () => {
    const encode = messageEncoder(table.schema, { where: 'mqtt_sink (pub)', target: 'sensors/{site}/{id}/{at}' });
    expect(encode(batch.slice(0, 2)).targets).toEqual(['sensors/north/1/2024-01-02T03:04:05.000Z', 'sensors/south/9007199254740993/1970-01-01T00:00:00.000Z']);
    expect(() => encode(batch)).toThrow('mqtt_sink (pub): row 2 has no value in column "site", which the topic "sensors/{site}/{id}/{at}" needs (fill the column, or filter such rows out before the sink)');
  });

  it('sends a chosen column as the payload: text as UTF-8, binary as is, others as JSON text, null as empty', () => {
    const of = (payloadColumn: string) => messageEncoder(table.schema, { where: 't', target: 'x', payloadColumn })(batch).payloads;
    expect(of('site').map(String)).toEqual(['north', 'south', '']);
    expect([...of('raw')[0]]).toEqual([0, 255]);
    expect(of('price').map(String)).toEqual(['123.45', '0.05', '0.00']);
  });
});

describe('columnIssues', () => {
  it('lists every unknown column a template or a column key names, with the span and a did-you-mean', () => {
    const schema = new Schema([new Field('site', new Utf8()), new Field('amount', new Int32())]);
    const issues = columnIssues(schema, { topic: 'a/{sit}/{amount}/{nope}' }, { payload_column: 'amont', key_column: undefined });
    expect(issues.map((i) => [i.key.join('.'), i.message, i.span])).toEqual([
      ['topic', 'topic names column "sit", which the input does not have (did you mean "site"?)', { start: 3, end: 6 }],
      ['topic', 'topic names column "nope", which the input does not have', { start: 18, end: 22 }],
      ['payload_column', 'payload_column names column "amont", which the input does not have (did you mean "amount"?)', undefined],
    ]);
    expect(issues[0].hint).toBe("the input's columns: site, amount");
  });

  it('finds the columns of a template once each', () => expect(templateColumns('{a}/{b}/{a}')).toEqual(['a', 'b']));
});
