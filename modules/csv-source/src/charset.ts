/**
 * The encodings csv_source reads. UTF-8 bytes are copied as they are (and checked); a
 * single-byte encoding maps each byte of 0x80 and above to its character's UTF-8 bytes.
 * `windows-1252` is what Excel and most Western Windows software write: Latin-1 plus € and
 * typographic quotes in 0x80–0x9F; `latin1` is ISO-8859-1, where those bytes are C1 controls.
 */
export type Charset = 'utf-8' | 'latin1' | 'windows-1252';

/** Per byte, four entries: the UTF-8 length (1–3), then the bytes. */
export type Utf8Table = Uint8Array;

const TABLES = new Map<Charset, Utf8Table>();

/** The byte → UTF-8 table of a single-byte charset, or null for UTF-8 (bytes are copied). */
export function utf8Table(charset: Charset): Utf8Table | null {
  if (charset === 'utf-8') return null;
  let table = TABLES.get(charset);
  if (!table) {
    table = new Uint8Array(256 * 4);
    const encoder = new TextEncoder();
    for (let byte = 0; byte < 256; byte++) {
      const utf8 = encoder.encode(decodeByte(charset, byte));
      table[byte * 4] = utf8.length;
      table.set(utf8, byte * 4 + 1);
    }
    TABLES.set(charset, table);
  }
  return table;
}

/** One byte as text: Latin-1 is the first 256 code points; windows-1252 follows the WHATWG table. */
function decodeByte(charset: Exclude<Charset, 'utf-8'>, byte: number): string {
  if (charset === 'latin1' || byte < 0x80 || byte > 0x9f) return String.fromCharCode(byte);
  return WINDOWS_1252_80_9F[byte - 0x80];
}

// 0x80–0x9F of windows-1252 (the five undefined bytes map to the C1 control of the same code, as WHATWG does).
const WINDOWS_1252_80_9F = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';

/** Bytes of a single-byte charset as text (for messages: a bad value, a record excerpt). */
export function singleByteText(table: Utf8Table, b: Uint8Array, s: number, e: number): string {
  const out = new Uint8Array((e - s) * 3);
  let o = 0;
  for (let i = s; i < e; i++) {
    const at = b[i] * 4;
    for (let k = 1; k <= table[at]; k++) out[o++] = table[at + k];
  }
  return new TextDecoder().decode(out.subarray(0, o));
}
