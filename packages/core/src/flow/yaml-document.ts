import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { Diagnostic, PathSegment } from './diagnostics.js';

export interface Position {
  line: number;
  column: number;
}

/** A parsed YAML flow that can tell where any path sits in the source text. */
export interface YamlDocument {
  data: unknown;
  /** Position of the value at `path`; falls back to the nearest existing parent. */
  locate(path: readonly PathSegment[], which?: 'value' | 'key'): Position;
  /** Position of the value at `path` plus `offset` characters inside it (for strings). */
  locateInside(path: readonly PathSegment[], offset: number): Position;
  syntaxErrors: Diagnostic[];
}

export function parseYaml(text: string): YamlDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  const syntaxErrors: Diagnostic[] = [...doc.errors, ...doc.warnings].map((e) => {
    const p = pos(e.pos[0]);
    const dup = e.code === 'DUPLICATE_KEY';
    return {
      severity: doc.errors.includes(e) ? 'error' : 'warning',
      path: '(yaml)',
      line: p.line,
      column: p.column,
      message: `YAML ${dup ? 'duplicate key' : 'syntax error'}: ${firstLine(e.message)}`,
      hint: dup ? 'remove or rename the repeated key' : 'check indentation, colons and quotes around this line',
    };
  });

  const walk = (path: readonly PathSegment[]): { node: Node | null; keyNode: Node | null } => {
    let node: unknown = doc.contents;
    let keyNode: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        keyNode = null;
        node = node.items[seg];
      } else break;
    }
    return { node: (node as Node | null) ?? null, keyNode };
  };

  const offsetOf = (path: readonly PathSegment[], which: 'value' | 'key'): number => {
    const { node, keyNode } = walk(path);
    const target = which === 'key' && keyNode ? keyNode : (node ?? keyNode);
    return target?.range?.[0] ?? 0;
  };

  let data: unknown;
  if (!doc.errors.length) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err: any) {
      // Unresolved aliases and alias bombs surface only when the document is converted.
      syntaxErrors.push({ severity: 'error', path: '(yaml)', line: 1, column: 1, message: `YAML error: ${firstLine(String(err?.message ?? err))}`, hint: 'define each &anchor before its *alias, and avoid alias chains' });
    }
  }
  return {
    data,
    syntaxErrors,
    locate: (path, which = 'value') => pos(offsetOf(path, which)),
    locateInside: (path, offset) => {
      const { node } = walk(path);
      if (!node?.range || !isScalar(node)) return pos(offsetOf(path, 'value'));
      // Quoted scalars start one character before their content.
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
      return pos(node.range[0] + quoted + offset);
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
