import { Type, type DataType, type Schema } from 'apache-arrow';
import { schemaFromSpec, type ColumnTypeName, type SchemaSpec } from './arrow-rows.js';

/** The stream type name of an Arrow type (for checkpointed schemas); unusual types become strings. */
export function typeName(type: DataType): ColumnTypeName {
  switch (type.typeId) {
    case Type.Float: return 'float64';
    case Type.Int: return (type as unknown as { bitWidth: number }).bitWidth === 64 ? 'int64' : 'int32';
    case Type.Bool: return 'bool';
    case Type.Timestamp:
    case Type.Date: return 'timestamp';
    default: return 'string';
  }
}

export function specOf(schema: Schema): SchemaSpec {
  return Object.fromEntries(schema.fields.map((f) => [f.name, typeName(f.type)]));
}

export { schemaFromSpec };
