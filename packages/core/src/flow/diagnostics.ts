export type Severity = 'error' | 'warning';

/** One problem found in a flow, located by YAML path and line. */
export interface Diagnostic {
  severity: Severity;
  /** Path into the document, e.g. `modules[1].configs.required.file_path`. */
  path: string;
  /** 1-based; 0 when unknown. */
  line: number;
  column: number;
  message: string;
  /** The fix, when it is obvious. */
  hint?: string;
}

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out || '(document)';
}

export function formatDiagnostic(file: string, d: Diagnostic): string {
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
  const hint = d.hint ? `\n    fix: ${d.hint}` : '';
  return `${where} ${d.severity} at ${d.path}: ${d.message}${hint}`;
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.line - b.line || a.column - b.column);
}
