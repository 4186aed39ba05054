import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateFlow } from '../build/build.js';
import type { Diagnostic } from '../flow/diagnostics.js';
import { createFixtureProject } from './fixture-modules.js';

let project: string | undefined;

/** One fixture project per test file; flows are written into it. */
export function fixtureProject(): string {
  project ??= createFixtureProject();
  return project;
}

export function writeFlow(text: string, name = 'flow.yaml'): string {
  const dir = mkdtempSync(join(fixtureProject(), 'flow-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export function check(text: string): { ok: boolean; errors: Diagnostic[]; warnings: Diagnostic[] } {
  const file = writeFlow(text);
  const r = validateFlow(file, { searchDirs: [fixtureProject()] });
  return { ok: r.ok, errors: r.diagnostics.filter((d) => d.severity === 'error'), warnings: r.diagnostics.filter((d) => d.severity === 'warning') };
}

/** A YAML flow from a list of module lines and connections (keeps tests short). */
export function flowYaml(parts: { settings?: string; context?: string; modules: string; data?: string[]; control?: string[] }): string {
  const list = (items: string[] = []) => (items.length ? items.map((c) => `\n    - ${JSON.stringify(c)}`).join('') : ' []');
  return `flow:
  name: test_flow
${parts.settings ? `settings:\n${parts.settings}\n` : ''}${parts.context ? `context:\n${parts.context}\n` : ''}modules:
${parts.modules}
connections:
  data:${list(parts.data)}
  control:${list(parts.control)}
`;
}
