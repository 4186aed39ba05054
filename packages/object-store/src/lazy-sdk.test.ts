import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const INDEX = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/**
 * Runs `body` (an ES module's code, with `store` the built package) in a fresh Node process with
 * a resolution hook that names every AWS SDK file it loads; returns what the process printed.
 */
function run(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'object-store-lazy-'));
  const hook = join(dir, 'name-sdk-loads.mjs');
  writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(\`export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('@aws-sdk')) process.stderr.write('loaded ' + r.url + '\\\\n'); return r; }\`));\n`);
  const main = join(dir, 'main.mjs');
  writeFileSync(main, `const store = await import(${JSON.stringify(INDEX)});\nconst dir = ${JSON.stringify(dir)};\n${body}\n`);
  const r = spawnSync(process.execPath, ['--import', hook, main], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
  return `${r.stdout}${r.stderr}`;
}

// A local run must not pay for loading the AWS SDK (hundreds of milliseconds of start-up).
describe('the AWS SDK is loaded only for s3:// paths', () => {
  it('loads none of it to write, check and read a local file', () => {
    const output = run(`const path = dir + '/a.csv';
await store.writeOutput(path, (async function* () { yield 'a\\n1\\n'; })(), {});
await store.checkOutput(path, 'output_path', {});
await store.checkInput(path, 'file_path', {});
const input = await store.openInput(path, {});
for await (const chunk of input.stream()) process.stdout.write('read ' + chunk.length + '\\n');`);
    expect(output).toContain('read 4');
    expect(output).not.toContain('loaded ');
  });

  it('loads it for an s3:// path (the hook sees it)', () => {
    const output = run(`await store.openInput('s3://bucket/key.csv', { s3_endpoint: 'http://127.0.0.1:1', s3_access_key_id: 'k', s3_secret_access_key: 's' }).catch((e) => process.stdout.write('failed as expected\\n'));`);
    expect(output).toContain('failed as expected');
    expect(output).toMatch(/loaded file:\S+@aws-sdk\/client-s3/);
  });
}, 120_000);
