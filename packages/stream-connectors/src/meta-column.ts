import type { DecodeOptions } from './formats.js';

/** Decode options whose declared schema also has the metadata column (topic, subject, id) as text. */
export function withColumn(options: DecodeOptions, column: string | undefined): DecodeOptions {
  if (!column || !options.schema || column in options.schema) return options;
  return { ...options, schema: { ...options.schema, [column]: 'string' } };
}
