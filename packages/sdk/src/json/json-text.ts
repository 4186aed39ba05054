import { parse as parseLossless } from 'lossless-json';

/** A run of 16 or more digits: the only way JSON text can hold an integer JSON.parse would round. */
const LONG_DIGITS = /\d{16}/;
const INTEGER = /^-?\d+$/;

/**
 * JSON.parse, except that an integer literal of 16 or more digits becomes an exact bigint
 * (JSON.parse reads 9007199254740993 as ...992). Text without such a digit run, nearly all of
 * it, takes JSON.parse at full speed; the rest goes through lossless-json, which hands each
 * number's source text to us. (JSON.parse's reviver only sees that text from Node 21.)
 */
export function parseJsonText(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return parseLossless(text, null, (digits) => (INTEGER.test(digits) && digits.replace('-', '').length > 15 ? BigInt(digits) : Number(digits)));
}
