import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A solo module that naps `ms` (cancellable), then writes `note` atomically to
 * `<out_dir>/<module>-<iteration>.txt` and sets the global `note`. With `trace`, it appends
 * `<nodeId> <pid> start|end <epoch ms> <ctx.runId>` lines to that file, so tests see who ran
 * what, when, and in which run.
 */
const NAP_SOURCE = `import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const trace = (ctx, what) => { if (ctx.config.trace) appendFileSync(ctx.config.trace, ctx.nodeId + ' ' + process.pid + ' ' + what + ' ' + Date.now() + ' ' + ctx.runId + '\\n'); };
export default { name: 'nap', type: 'solo', description: 'naps', category: 'Testing', globals: ['note'],
  async run(_inputs, ctx) {
    trace(ctx, 'start');
    await new Promise((resolve, reject) => {
      const t = setTimeout(resolve, ctx.config.ms);
      ctx.signal.addEventListener('abort', () => { clearTimeout(t); reject(ctx.signal.reason); }, { once: true });
    });
    const note = ctx.config.note ?? '';
    if (ctx.config.out_dir) {
      mkdirSync(ctx.config.out_dir, { recursive: true });
      const file = join(ctx.config.out_dir, ctx.moduleId + '-' + ctx.iterIndex + '.txt');
      writeFileSync(file + '.tmp-' + process.pid, note);
      renameSync(file + '.tmp-' + process.pid, file);
    }
    ctx.setGlobal('note', note);
    trace(ctx, 'end');
  },
};
`;

/** Installs the `nap` module package (`@pypeline/mod-nap`) into `<root>/node_modules`. */
export function installNap(root: string, version = '1.0.0'): void {
  const dir = join(root, 'node_modules', '@pypeline', 'mod-nap');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@pypeline/mod-nap', version, type: 'module', keywords: ['pypeline-module'], pypeline: { manifest: './pypeline.manifest.json' } }));
  const properties = { ms: { type: 'integer' }, note: { type: 'string' }, out_dir: { type: 'string' }, trace: { type: 'string' } };
  const optional = { note: { type: 'string' }, out_dir: { type: 'string' }, trace: { type: 'string' } };
  writeFileSync(join(dir, 'pypeline.manifest.json'), JSON.stringify({
    manifest_version: 1, sdk_api: 1, name: 'nap', entry: './dist/index.js', type: 'solo', description: 'naps', category: 'Testing',
    input_ports: [], output_ports: [], globals: ['note'], packages: [],
    config_schema: { required: { ms: { type: 'integer' } }, optional },
    json_schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: false, required: ['ms'], properties },
  }));
  writeFileSync(join(dir, 'dist', 'index.js'), NAP_SOURCE);
}

/** A fresh temp folder with the nap module installed. */
export function napProject(prefix = 'pype-dist-', version = '1.0.0'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  installNap(root, version);
  return root;
}

export interface NapSpec {
  id: string;
  ms: number;
  note?: string;
  outDir?: string;
  trace?: string;
  exclusive?: boolean | string;
}

/** Flow YAML of nap modules and control connections. */
export function napFlow(name: string, naps: NapSpec[], control: string[], extra = ''): string {
  const mods = naps.map((n) => {
    const optional = { ...(n.note !== undefined ? { note: n.note } : {}), ...(n.outDir ? { out_dir: n.outDir } : {}), ...(n.trace ? { trace: n.trace } : {}) };
    return [
      `  - id: ${n.id}`,
      '    name: nap',
      ...(n.exclusive !== undefined ? [`    exclusive: ${JSON.stringify(n.exclusive)}`] : []),
      '    configs:',
      `      required: { ms: ${n.ms} }`,
      ...(Object.keys(optional).length ? [`      optional: ${JSON.stringify(optional)}`] : []),
    ].join('\n');
  });
  return `flow:\n  name: ${name}\n${extra}modules:\n${mods.join('\n')}\nconnections:\n  control:\n${control.map((c) => `    - "${c}"`).join('\n') || '    []'}\n`;
}
