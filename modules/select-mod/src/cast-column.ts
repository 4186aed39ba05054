import { makeBuilder, makeVector, type Data, type Field } from 'apache-arrow';
import { CAST_TYPES, INVALID, castValue } from './cast-value.js';
import type { CastType } from './config.js';

export interface CastFailure {
  /** 0-based row within the data cast. */
  row: number;
  value: unknown;
}

/**
 * One column cast to `to`. Values that cannot be cast become null and are reported through
 * `onInvalid`, which may throw to stop at the first one.
 */
export function castColumn(data: Data, field: Field, to: CastType, onInvalid: (failure: CastFailure) => void): Data {
  const vector = makeVector(data);
  const builder = makeBuilder({ type: CAST_TYPES[to](), nullValues: [null] });
  for (let i = 0; i < vector.length; i++) {
    const raw = vector.get(i);
    const value = castValue(raw, to, field.type);
    if (value === INVALID) {
      onInvalid({ row: i, value: raw });
      builder.append(null);
    } else builder.append(value);
  }
  return builder.finish().flush();
}
