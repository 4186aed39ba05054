import { createHash, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isObjectUrl } from '@pypeline/sdk';
import type { DagNode } from '../plan/types.js';

/** Bumped when what goes into a key changes, so old entries simply stop matching. */
const KEY_FORMAT = 1;

export interface KeyParts {
  node: DagNode;
  /** The config after templating: real values, secrets included (they are hashed here). */
  config: Record<string, unknown>;
  /** Input port -> content hash of what arrives on it. */
  inputs: Record<string, string>;
  /** Every secret value of the run, so one templated into any string is hashed too. */
  secrets: readonly string[];
}

/**
 * The cache key of one module run: its package and version, its resolved config with every
 * secret value replaced by a hash, the size and mtime of the files its `@format path` fields
 * name, and the content hashes of its inputs. Equal keys mean the module would compute the same
 * outputs (for a module that declares itself cacheable).
 */
export function cacheKey(parts: KeyParts): string {
  const { node } = parts;
  const material = {
    format: KEY_FORMAT,
    package: node.package,
    version: node.version,
    module: node.name,
    config: hideSecrets(parts.config, node, parts.secrets),
    files: pathFingerprints(parts.config, node),
    inputs: parts.inputs,
  };
  return sha256(canonicalJson(material));
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

// WARNING: the key must never carry a secret: fields marked secret are replaced whole (even values
// too short for the redactor), and any secret value inside another string is replaced where it occurs.
function hideSecrets(config: Record<string, unknown>, node: DagNode, secrets: readonly string[]): Record<string, unknown> {
  const marked = new Set(Object.entries(node.json_schema.properties ?? {}).filter(([, p]) => p?.secret === true).map(([k]) => k));
  const values = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return values.reduce((s, secret) => (s.includes(secret) ? s.split(secret).join(`<secret:${sha256(secret)}>`) : s), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, marked.has(k) ? `<secret:${sha256(JSON.stringify(v))}>` : walk(v)]));
}

/** `size:mtime` of each file a `@format path` field names (relative paths resolve from the working directory, as modules do); s3:// paths never match. */
function pathFingerprints(config: Record<string, unknown>, node: DagNode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, prop] of Object.entries(node.json_schema.properties ?? {})) {
    const value = config[key];
    if (prop?.format !== 'path' || typeof value !== 'string') continue;
    // An object's version is not read when the key is made: a node reading an s3:// path gets a
    // key no later run can meet, so it always runs (never served stale from the cache).
    if (isObjectUrl(value)) {
      out[key] = `object:${randomUUID()}`;
      continue;
    }
    const stat = statSync(resolve(value), { throwIfNoEntry: false });
    out[key] = stat ? `${stat.isDirectory() ? 'dir' : 'file'}:${stat.size}:${stat.mtimeMs}` : 'missing';
  }
  return out;
}

/** JSON with object keys sorted, so equal values always give the same text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}
