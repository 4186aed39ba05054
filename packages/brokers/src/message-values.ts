import { DataType, type Data, type Field, type RecordBatch, type Schema } from 'apache-arrow';
import { dataGetter, type ConfigIssue } from '@pypeline/sdk';
import { jsonEncoder, jsonRowEncoder, missingColumn } from '@pypeline/verbs';
import { templateColumns, topicTemplate, type TemplateRow } from './topic-template.js';

/** A cell as text for a topic, a key or an id: text as it is, other values as their JSON text; null when empty. */
export type CellText = (data: Data, i: number) => string | null;

export function cellText(field: Field): CellText {
  if (DataType.isUtf8(field.type) || DataType.isLargeUtf8(field.type)) {
    const get = dataGetter();
    return (data, i) => (data.getValid(i) ? (get(data, i) as string) : null);
  }
  const json = jsonEncoder(field);
  return (data, i) => {
    if (!data.getValid(i)) return null;
    const text = json(data, i);
    return text.startsWith('"') ? (JSON.parse(text) as string) : text;
  };
}

/** Where each row goes and what it carries. */
export interface MessageOptions {
  /** The module and node, for messages: `mqtt_sink (publish)`. */
  where: string;
  /** The topic, subject, stream, routing key…, with `{column}` placeholders. */
  target: string;
  /** The column whose value is the payload (text as UTF-8, binary as is, others as JSON); else the whole row as JSON. */
  payloadColumn?: string;
}

/** One batch as messages: `targets[i]` and `payloads[i]` for row i. */
export interface Messages {
  targets: string[];
  payloads: Buffer[];
}

/**
 * Turns batches of rows with `schema` into messages. The whole row is JSON as json_sink writes
 * it (64-bit integers and decimals exact, timestamps ISO 8601 in UTC).
 */
export function messageEncoder(schema: Schema, options: MessageOptions): (batch: RecordBatch) => Messages {
  const payload = payloadOf(schema, options.payloadColumn);
  const columns = templateColumns(options.target);
  const render = topicTemplate(options.target, options.where);
  const cells = columns.map((c) => [c, schema.fields.findIndex((f) => f.name === c)] as const);
  const texts = cells.map(([, k]) => cellText(schema.fields[k]));
  return (batch) => {
    const data = batch.data.children;
    const payloads = new Array<Buffer>(batch.numRows);
    const targets = new Array<string>(batch.numRows);
    for (let i = 0; i < batch.numRows; i++) {
      payloads[i] = payload(data, i);
      if (!render) targets[i] = options.target;
      else {
        const row: TemplateRow = {};
        cells.forEach(([name, k], c) => (row[name] = texts[c](data[k], i)));
        targets[i] = render(row, i);
      }
    }
    return { targets, payloads };
  };
}

function payloadOf(schema: Schema, column: string | undefined): (columns: readonly Data[], i: number) => Buffer {
  if (column === undefined) {
    const row = jsonRowEncoder(schema.fields);
    return (columns, i) => Buffer.from(row(columns, i));
  }
  const k = schema.fields.findIndex((f) => f.name === column);
  const field = schema.fields[k];
  if (DataType.isBinary(field.type) || DataType.isLargeBinary(field.type) || DataType.isFixedSizeBinary(field.type)) {
    const get = dataGetter();
    return (columns, i) => (columns[k].getValid(i) ? Buffer.from(get(columns[k], i) as Uint8Array) : Buffer.alloc(0));
  }
  const text = cellText(field);
  return (columns, i) => Buffer.from(text(columns[k], i) ?? '');
}

/**
 * Every config key that names input columns, checked against the input: the `{column}`
 * placeholders of templates (with the span of each) and plain column names. All problems at once.
 */
export function columnIssues(input: Schema, templates: Record<string, string | undefined>, columns: Record<string, string | undefined>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const hint = `the input's columns: ${input.names.join(', ')}`;
  for (const [key, template] of Object.entries(templates)) {
    if (template === undefined) continue;
    for (const m of template.matchAll(/\{([^{}]+)\}/g)) {
      const problem = missingColumn(input, m[1], key);
      if (problem) issues.push({ key: [key], message: problem, hint, span: { start: m.index! + 1, end: m.index! + 1 + m[1].length } });
    }
  }
  for (const [key, column] of Object.entries(columns)) {
    const problem = column === undefined ? undefined : missingColumn(input, column, key);
    if (problem) issues.push({ key: [key], message: problem, hint });
  }
  return issues;
}
