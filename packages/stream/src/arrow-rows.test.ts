import { Field, Schema, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToRows, rowsToBatch, schemaFromSpec, timeColumnMs } from './arrow-rows.js';

// Node reads process.env.TZ again whenever it is set, so the host zone changes for this file.
const hostZone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'America/New_York';
});
afterAll(() => {
  if (hostZone === undefined) delete process.env.TZ;
  else process.env.TZ = hostZone;
});

describe('stream decoding reads text by the shared rules, whatever the host zone', () => {
  const noon = Date.UTC(2024, 6, 1, 12);

  it('runs in New York here, where Date.parse reads a zone-less time as local', () => {
    expect(new Date(noon).getTimezoneOffset()).toBe(240);
    expect(Date.parse('2024-07-01T12:00:00')).toBe(noon + 4 * 3_600_000);
  });

  it('decodes a zone-less ISO time as UTC, in a declared schema and as event time', () => {
    const batch = rowsToBatch([{ ts: '2024-07-01T12:00:00' }, { ts: '2024-07-01 12:00:00+02:00' }, { ts: 'noon' }], schemaFromSpec({ ts: 'timestamp' }));
    expect(batchToRows(batch).map((r) => r.ts)).toEqual([noon, noon - 2 * 3_600_000, null]);
    const text = rowsToBatch([{ ts: '2024-07-01T12:00:00' }, { ts: '2024-07-01' }], new Schema([new Field('ts', new Utf8(), true)]));
    expect([...timeColumnMs(text, 'ts')]).toEqual([noon, Date.UTC(2024, 6, 1)]);
  });

  it('decodes true/t/yes/y/1 and false/f/no/n/0 in any case; anything else is null', () => {
    const values = ['yes', 'Y', '1', 'true', 'no', '0', 'N', 'False', 'maybe', '', 1, 0, true];
    const batch = rowsToBatch(values.map((ok) => ({ ok })), schemaFromSpec({ ok: 'bool' }));
    expect(batchToRows(batch).map((r) => r.ok)).toEqual([true, true, true, true, false, false, false, false, null, null, true, false, true]);
  });

  it('decodes numbers from decimal text only; empty text is null, not 0', () => {
    const batch = rowsToBatch([{ v: ' 2.5 ' }, { v: '' }, { v: '0x10' }, { v: '9007199254740993' }].map((r) => ({ ...r, n: r.v })), schemaFromSpec({ v: 'float64', n: 'int64' }));
    expect(batchToRows(batch)).toEqual([{ v: 2.5, n: 2 }, { v: null, n: null }, { v: null, n: null }, { v: 9007199254740992, n: '9007199254740993' }]);
  });
});
