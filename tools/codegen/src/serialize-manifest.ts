import type { Manifest } from './manifest.js';

// The order keys are written in; listing them here keeps the file stable whatever built the object.
const KEY_ORDER: (keyof Manifest)[] = [
  'manifest_version', 'sdk_api', 'name', 'entry', 'type', 'description', 'category',
  'input_ports', 'many_input_ports', 'output_ports', 'globals', 'cacheable', 'packages', 'config_schema', 'json_schema',
];

/** The manifest as committed: fixed key order, 2-space indent, trailing newline. */
export function serializeManifest(manifest: Manifest): string {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) ordered[key] = manifest[key];
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
