import { isDeepStrictEqual } from 'node:util';
import { isMap, isPair, isScalar, type Document, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { ConfigChange, ConfigSection } from './config-changes.js';

/**
 * Applies config edits to `modules[index].configs` of a parsed flow, in place. Keys that
 * stay keep their YAML node, so comments and styles around them survive; a moved key takes
 * its comments along. Sections left empty are removed.
 */
export function rewriteConfigs(doc: Document, index: number, changes: ConfigChange[]): void {
  const path = ['modules', index, 'configs'];
  for (const change of changes) {
    if (change.kind === 'removed') sectionOf(doc, path, change.from!)?.delete(change.key);
    else if (change.kind === 'added') ensureSection(doc, path, change.to!).set(change.key, doc.createNode(change.after));
    else if (change.kind === 'changed') sectionOf(doc, path, change.from!)!.set(change.key, doc.createNode(change.after));
    else moveOrRename(doc, path, change);
  }
  for (const section of ['required', 'optional'] as const) {
    if (sectionOf(doc, path, section)?.items.length === 0) doc.deleteIn([...path, section]);
  }
  const configs = doc.getIn(path);
  if (isMap(configs) && configs.items.length === 0) doc.deleteIn(path);
}

function moveOrRename(doc: Document, path: (string | number)[], change: ConfigChange): void {
  const from = sectionOf(doc, path, change.from!)!;
  const oldKey = change.oldKey ?? change.key;
  const at = from.items.findIndex((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === oldKey);
  const pair = from.items[at] as Pair<Scalar>;
  pair.key.value = change.key;
  if (!isDeepStrictEqual(change.before, change.after)) pair.value = doc.createNode(change.after);
  if (change.from === change.to) return;
  // WARNING: yaml keeps the comment above a map's first key on the map, not on the key.
  if (at === 0 && from.commentBefore) {
    pair.key.commentBefore = from.commentBefore;
    from.commentBefore = undefined;
  }
  from.items.splice(at, 1);
  ensureSection(doc, path, change.to!).items.push(pair);
}

function sectionOf(doc: Document, path: (string | number)[], section: ConfigSection): YAMLMap | undefined {
  const node = doc.getIn([...path, section]);
  return isMap(node) ? node : undefined;
}

function ensureSection(doc: Document, path: (string | number)[], section: ConfigSection): YAMLMap {
  const existing = sectionOf(doc, path, section);
  if (existing) return existing;
  doc.setIn([...path, section], doc.createNode({}));
  return sectionOf(doc, path, section)!;
}
