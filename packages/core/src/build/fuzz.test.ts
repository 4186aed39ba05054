import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@pypeline/test-services';
import { PypeError } from '../errors.js';
import { discoverModules } from '../registry/discover.js';
import { fixtureProject, flowYaml } from '../testing/flow-files.js';
import { buildFlow, validateFlow } from './build.js';

const VALID = flowYaml({
  modules: `  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: 3\n  - id: out\n    name: count_sink\n  - id: job\n    name: sleep_solo\n    configs:\n      required:\n        ms: 1`,
  data: ['src.data - out.input'],
  control: ['out (1|{{out__seen}} > 0) job'],
});
const PIECES = ['{', '}', '[', ']', ':', '- ', '\n', '  ', '"', "'", '&a', '*a', '!!binary', '|', '>', '#', '{{', '}}', '(', '|)', '\t', '\u0000', '😀', 'é', '\u202e', 'null', '1e400', '-0', '__', '.', 'modules', 'connections', 'flow'];

function mutate(text: string, r: () => number): string {
  let s = text;
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * s.length);
    const op = r();
    if (op < 0.4) s = s.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)] + s.slice(at);
    else if (op < 0.7) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
    else s = s.slice(0, at) + String.fromCodePoint(Math.floor(r() * 0x2ffff)) + s.slice(at);
  }
  return s;
}

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 4 ? 6 : 9));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return [0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1, NaN, Infinity][Math.floor(r() * 8)];
    case 3: return ['', 'x', '💥'.repeat(50), 'a'.repeat(100_000), '{{context.nope}}', 'age >', '\u0000'][Math.floor(r() * 7)];
    case 4: return `${Math.floor(r() * 1e9)}`;
    case 5: return 'modules';
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const keys = ['flow', 'name', 'id', 'modules', 'configs', 'required', 'optional', 'connections', 'data', 'control', 'settings', 'timeout', 'context', 'zzz'];
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, () => [keys[Math.floor(r() * keys.length)], randomValue(r, depth + 1)]));
    }
  }
}

function deepNesting(n: number): string {
  return `flow:\n  name: deep\nmodules: ${'['.repeat(n)}${']'.repeat(n)}\n`;
}

const CASES: string[] = (() => {
  const r = seededRandom(20261122);
  const out: string[] = [deepNesting(2000), `a: &a [${'*a,'.repeat(1000)}]\n`, 'flow: {name: x}\nmodules: ' + '[1,'.repeat(500), '\uFEFF'.repeat(3), '', '---\n---\n', '%YAML 9.9\n---\nx: 1'];
  for (let i = 0; i < 1500; i++) out.push(mutate(VALID, r));
  for (let i = 0; i < 1000; i++) {
    const doc: any = { flow: { name: 'fz' }, modules: [{ id: 'src', name: 'emit_rows' }] };
    const key = ['flow', 'modules', 'connections', 'settings', 'context', 'extra'][Math.floor(r() * 6)];
    doc[key] = randomValue(r);
    if (r() < 0.5) doc.modules = [{ id: randomValue(r), name: randomValue(r), configs: randomValue(r) }];
    try {
      out.push(stringify(doc));
    } catch {
      out.push(String(doc));
    }
  }
  return out;
})();

describe('hostile input to validate and build', () => {
  it(`never crashes on ${CASES.length} malformed flows: a clean error every time`, () => {
    const dir = mkdtempSync(join(fixtureProject(), 'fuzz-'));
    const out = mkdtempSync(join(tmpdir(), 'pype-fuzz-out-'));
    const discovery = discoverModules([fixtureProject()]);
    let invalid = 0;
    CASES.forEach((text, i) => {
      const file = join(dir, `f${i}.yaml`);
      writeFileSync(file, text);
      let result;
      try {
        result = validateFlow(file, { discovery });
      } catch (err) {
        throw new Error(`validate threw on case ${i}: ${(err as Error).stack}\n--- input ---\n${text.slice(0, 500)}`);
      }
      for (const d of result.diagnostics) {
        expect(typeof d.message, `case ${i}`).toBe('string');
        expect(d.line, `case ${i}`).toBeGreaterThanOrEqual(0);
      }
      if (!result.ok) {
        invalid++;
        expect(result.diagnostics.some((d) => d.severity === 'error'), `case ${i}`).toBe(true);
        try {
          buildFlow(file, { discovery, outDir: out });
          throw new Error(`build accepted invalid case ${i}`);
        } catch (err) {
          expect(err, `case ${i}: ${(err as Error).message}`).toBeInstanceOf(PypeError);
        }
      }
    });
    expect(invalid).toBeGreaterThan(CASES.length * 0.8);
  }, 300_000);
});
