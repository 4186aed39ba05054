import { DataType } from 'apache-arrow';
import type { EdgeSchema } from '@pypeline/sdk';
import type { DataEdge } from '../plan/types.js';

/** One column of a connection as written to the job folder and printed by `pype schema`. */
export interface ColumnJson {
  name: string;
  /** Arrow's name for the type, e.g. `Int32`, `Utf8`, `Timestamp<MILLISECOND>`; decimals as `Decimal(29, 2)`. */
  type: string;
  nullable: boolean;
}

/** The schema of one data connection: its columns, or why they are not known before the run. */
export type EdgeSchemaJson = { from: string; to: string } & ({ columns: ColumnJson[] } | { unknown: string });

/** `<name>_schemas.json` in the job folder. */
export interface SchemasFile {
  flow: string;
  /** One entry per data connection, in the flow's order. */
  edges: EdgeSchemaJson[];
}

export function edgeSchemaJson(edge: DataEdge, schema: EdgeSchema | undefined): EdgeSchemaJson {
  const ends = { from: `${edge.from}.${edge.from_port}`, to: `${edge.to}.${edge.to_port}` };
  if (schema === undefined) return { ...ends, unknown: `${edge.from} gives nothing on port ${edge.from_port}` };
  return { ...ends, ...columnsJson(schema) };
}

/** A port's schema as printed: its columns, or why they are unknown. */
export function columnsJson(schema: EdgeSchema): { columns: ColumnJson[] } | { unknown: string } {
  if ('unknown' in schema) return { unknown: schema.unknown };
  return { columns: schema.fields.map((f) => ({ name: f.name, type: typeName(f.type), nullable: f.nullable })) };
}

/** Arrow's name of a type, but `Decimal(29, 2)` where Arrow writes `Decimal[29e+2]`. */
function typeName(type: DataType): string {
  return DataType.isDecimal(type) ? `Decimal(${type.precision}, ${type.scale})` : String(type);
}
