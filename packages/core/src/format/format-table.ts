export interface FormatTableOptions {
  /** Per column: `right` for numbers read down a column; `left` otherwise. @default all left */
  align?: ReadonlyArray<'left' | 'right'>;
}

/**
 * A plain-text table, the one every command prints: columns two spaces apart and as wide as
 * their widest cell, a `-` rule under the header, no trailing spaces.
 * @example formatTable(['module', 'rows'], [['load', '12']], { align: ['left', 'right'] })
 * // module  rows
 * // ------  ----
 * // load      12
 */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, options: FormatTableOptions = {}): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths.map((w, i) => (options.align?.[i] === 'right' ? (cells[i] ?? '').padStart(w) : (cells[i] ?? '').padEnd(w))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
