import { DataType, Field } from 'apache-arrow';

/**
 * A UUID column in Arrow is a FixedSizeBinary(16) whose field carries the canonical extension
 * name `arrow.uuid`; readers set it (the Parquet reader from the UUID logical type) and writers
 * look for it (Parquet writes the UUID logical type, JSON the canonical text).
 */
export const UUID_EXTENSION_NAME = 'arrow.uuid';
const EXTENSION_KEY = 'ARROW:extension:name';

/** Whether `field` is a UUID column: a 16-byte FixedSizeBinary marked `arrow.uuid`. */
export function isUuidField(field: Field): boolean {
  return field.metadata.get(EXTENSION_KEY) === UUID_EXTENSION_NAME && DataType.isFixedSizeBinary(field.type) && field.type.byteWidth === 16;
}

/** `field` marked as a UUID column (its metadata kept). */
export function asUuidField(field: Field): Field {
  const metadata = new Map(field.metadata);
  metadata.set(EXTENSION_KEY, UUID_EXTENSION_NAME);
  return new Field(field.name, field.type, field.nullable, metadata);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The canonical text of 16 UUID bytes: `550e8400-e29b-41d4-a716-446655440000`. */
export function uuidText(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i]];
  }
  return out;
}
