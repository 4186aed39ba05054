/**
 * Exact decimal text (`-1234.50`, as MySQL prints a DECIMAL(p, s): s fraction digits) as the
 * little-endian 32-bit words of an Arrow Decimal of `bitWidth` bits, two's complement.
 */
export function decimalWords(text: string, scale: number, bitWidth: 128 | 256): Uint32Array {
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a decimal number`);
  const fraction = (m[3] ?? '').padEnd(scale, '0');
  if (fraction.length > scale && /[^0]/.test(fraction.slice(scale))) throw new RangeError(`"${text}" has more than ${scale} fraction digits`);
  let units = BigInt(`${m[2] || '0'}${fraction.slice(0, scale)}`);
  if (m[1] === '-') units = -units;
  const words = new Uint32Array(bitWidth / 32);
  let rest = BigInt.asUintN(bitWidth, units);
  for (let k = 0; k < words.length; k++) {
    words[k] = Number(rest & 0xffffffffn);
    rest >>= 32n;
  }
  return words;
}
