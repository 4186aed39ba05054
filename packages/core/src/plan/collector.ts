import { formatPath, type Diagnostic, type PathSegment } from '../flow/diagnostics.js';
import type { YamlDocument } from '../flow/yaml-document.js';

/** Collects located diagnostics so every phase reports all its problems at once. */
export class Collector {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly doc: YamlDocument) {}

  error(path: PathSegment[], message: string, hint?: string, opts: { atKey?: boolean; offset?: number } = {}): void {
    this.add('error', path, message, hint, opts);
  }

  warn(path: PathSegment[], message: string, hint?: string, opts: { atKey?: boolean; offset?: number } = {}): void {
    this.add('warning', path, message, hint, opts);
  }

  add(severity: Diagnostic['severity'], path: PathSegment[], message: string, hint: string | undefined, opts: { atKey?: boolean; offset?: number }): void {
    const at = opts.offset !== undefined ? this.doc.locateInside(path, opts.offset) : this.doc.locate(path, opts.atKey ? 'key' : 'value');
    this.diagnostics.push({ severity, path: formatPath(path), ...at, message, hint });
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}
