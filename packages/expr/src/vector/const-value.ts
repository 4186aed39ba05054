import type { Scalar } from '../scalar/values.js';
import { encodeUtf8 } from './utf8-bytes.js';
import type { ConstVal } from './values.js';

export function constOf(value: Scalar): ConstVal {
  return typeof value === 'string' ? { kind: 'const', value, utf8: encodeUtf8(value) } : { kind: 'const', value };
}

export function utf8Of(c: ConstVal): Uint8Array {
  return c.utf8 ?? encodeUtf8(String(c.value));
}
