import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// docs/modules.md is written by hand; this keeps it in step with the generated manifests:
// every module has its table row and its section, and its section names every option (as
// `option`, `option = default` or `option: example`), with the
// manifest's default wherever the text states one as `option = value`.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/modules.md'), 'utf8');

interface Option {
  default?: unknown;
}
interface Manifest {
  name: string;
  type: string;
  config_schema: { required: Record<string, Option>; optional: Record<string, Option> };
}

const manifests: Manifest[] = readdirSync(join(ROOT, 'modules'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => JSON.parse(readFileSync(join(ROOT, 'modules', entry.name, 'pypeline.manifest.json'), 'utf8')) as Manifest);

/** The text of a module's section: from its `### \`name\`` heading to the next heading. */
function section(name: string): string | undefined {
  const start = DOC.indexOf(`### \`${name}\``);
  if (start < 0) return undefined;
  const next = DOC.slice(start + 4).search(/\n#{2,3} /);
  return next < 0 ? DOC.slice(start) : DOC.slice(start, start + 4 + next);
}

/** How docs write a default: strings bare or quoted, the rest as JSON. */
function spellings(value: unknown): string[] {
  if (typeof value === 'string') return [value, JSON.stringify(value), `'${value}'`];
  return [JSON.stringify(value)];
}

describe('docs/modules.md against the manifests', () => {
  it('finds the modules', () => expect(manifests.length).toBeGreaterThan(10));

  it.each(manifests.map((m) => [m.name, m] as const))('documents %s: its row, its section and every option', (name, manifest) => {
    expect(DOC, `a table row for ${name} at the top of docs/modules.md`).toMatch(new RegExp(`\\| \\[\`${name}\`\\]\\(#${name}\\) \\| ${manifest.type} \\|`));
    const text = section(name);
    expect(text, `a "### \`${name}\`" section in docs/modules.md`).toBeDefined();
    const options = { ...manifest.config_schema.required, ...manifest.config_schema.optional };
    const missing = Object.keys(options).filter((key) => ![`\`${key}\``, `\`${key} =`, `\`${key}:`].some((form) => text!.includes(form)));
    expect(missing, `options of ${name} that its section in docs/modules.md does not name`).toEqual([]);
    const wrong = Object.entries(options).flatMap(([key, option]) => {
      const stated = new RegExp(`\`${key} = ([^\`]*)\``).exec(text!)?.[1];
      if (stated === undefined || option.default === undefined) return [];
      return spellings(option.default).includes(stated) ? [] : [`${key}: docs say ${stated}, the manifest ${JSON.stringify(option.default)}`];
    });
    expect(wrong, `defaults in the section of ${name} that differ from its manifest`).toEqual([]);
  });
});
