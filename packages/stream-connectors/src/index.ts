export { Decoder, encodeRows } from './formats.js';
export type { DecodeOptions, Meta } from './formats.js';
