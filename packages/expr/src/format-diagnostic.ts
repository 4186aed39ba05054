import type { ExprDiagnostic } from './diagnostic.js';

/**
 * The message (and hint) on one line, then the source line holding the span with carets under it:
 *
 *     unknown column `nme` at column 1 (did you mean `name`?)
 *       nme == 'bob'
 *       ^^^
 */
export function formatDiagnostic(source: string, d: ExprDiagnostic): string {
  const head = d.hint ? `${d.message} (${d.hint})` : d.message;
  const start = Math.max(0, Math.min(d.start, source.length));
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const newline = source.indexOf('\n', start);
  const lineEnd = newline === -1 ? source.length : newline;
  const line = source.slice(lineStart, lineEnd);
  // A span may run past its line (or be empty at the end of input); keep at least one caret.
  const end = Math.max(start + 1, Math.min(d.end, lineEnd));
  // Keep tabs so the carets line up with the source as the terminal renders it.
  const pad = line.slice(0, start - lineStart).replace(/[^\t]/g, ' ');
  const carets = '^'.repeat(Math.max(1, Math.min(end, lineEnd + 1) - start));
  return `${head}\n  ${line}\n  ${pad}${carets}`;
}
