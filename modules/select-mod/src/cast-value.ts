import { Bool, DataType, DateDay, Float64, Int32, Int64, TimestampMillisecond, Utf8 } from 'apache-arrow';
import type { CastType } from './config.js';

/** The Arrow type of each cast's output column. */
export const CAST_TYPES: Record<CastType, () => DataType> = {
  string: () => new Utf8(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  float64: () => new Float64(),
  boolean: () => new Bool(),
  date: () => new DateDay(),
  timestamp: () => new TimestampMillisecond(),
};
