import type { Schema } from 'apache-arrow';
import type { ConfigIssue } from '@pypeline/sdk';
import { isNestedType } from './csv-values.js';

/** The options that shape the text, defaults applied. */
export interface CsvFormat {
  delimiter: string;
  quote: string;
  quoting: 'minimal' | 'all';
  null_string: string;
  line_ending: 'lf' | 'crlf';
}

/**
 * Every problem with the format options and, when known, the input's columns: one-character
 * delimiter and quote, different from each other and from line breaks; a null_string that
 * holds neither; no nested column (lists, structs and maps have no CSV form).
 */
export function csvProblems(format: CsvFormat, schema?: Schema): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  for (const key of ['delimiter', 'quote'] as const) {
    const value = format[key];
    if ([...value].length !== 1) problems.push({ key: [key], message: `${key} must be one character, got ${JSON.stringify(value)}`, hint: `e.g. ${key === 'delimiter' ? '"," or ";" or "\\t"' : '"\\"" or "\'"'}` });
    else if (value === '\n' || value === '\r') problems.push({ key: [key], message: `${key} cannot be a line break`, hint: 'choose another character' });
  }
  if (format.delimiter === format.quote) problems.push({ key: ['quote'], message: `quote and delimiter are both ${JSON.stringify(format.quote)}`, hint: 'choose different characters' });
  if (/[\r\n]/.test(format.null_string) || format.null_string.includes(format.delimiter) || format.null_string.includes(format.quote)) {
    problems.push({ key: ['null_string'], message: `null_string ${JSON.stringify(format.null_string)} holds a line break, the delimiter or the quote`, hint: 'use text a reader can find unquoted, e.g. "" or "NULL"' });
  }
  const nested = schema?.fields.filter((f) => isNestedType(f.type)) ?? [];
  if (nested.length > 0) {
    problems.push({
      key: ['output_path'],
      message: `csv_sink cannot write nested columns: ${nested.map((f) => `${f.name} (${String(f.type)})`).join(', ')}`,
      hint: 'write them with json_sink or parquet_sink, or leave them out with select_mod before this sink',
    });
  }
  return problems;
}

/**
 * A function that quotes one value for the file: nulls as null_string, unquoted; with `minimal`,
 * a value is quoted when it holds the delimiter, the quote or a line break, is empty, or equals
 * null_string (so a reader tells them from nulls), or starts or ends with a space; the quote
 * inside is doubled.
 */
export function fieldWriter(format: CsvFormat): (text: string | null) => string {
  const { delimiter, quote, null_string: nullString } = format;
  const doubled = quote + quote;
  const quoted = (text: string) => `${quote}${text.replaceAll(quote, doubled)}${quote}`;
  if (format.quoting === 'all') return (text) => (text === null ? nullString : quoted(text));
  return (text) => {
    if (text === null) return nullString;
    const needs = text === '' || text === nullString || text.includes(delimiter) || text.includes(quote) || text.includes('\n') || text.includes('\r') || text.startsWith(' ') || text.endsWith(' ');
    return needs ? quoted(text) : text;
  };
}
