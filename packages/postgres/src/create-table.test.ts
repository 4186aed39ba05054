import { Field, Int32, Schema, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createTableSql } from './create-table.js';

describe('createTableSql', () => {
  const schema = new Schema([new Field('id', new Int32()), new Field('Name', new Utf8()), new Field('at', new TimestampMillisecond())]);

  it('quotes every column name and takes the types of pgTypeOf', () => {
    expect(createTableSql('"s"."t"', schema)).toBe('CREATE TABLE IF NOT EXISTS "s"."t" ("id" integer, "Name" text, "at" timestamptz)');
  });

  it('adds the key as primary key', () => {
    expect(createTableSql('"t"', schema, ['id', 'at'])).toBe('CREATE TABLE IF NOT EXISTS "t" ("id" integer, "Name" text, "at" timestamptz, PRIMARY KEY ("id", "at"))');
  });
});
