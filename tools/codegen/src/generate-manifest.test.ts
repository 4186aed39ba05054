import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CodegenError } from './codegen-error.js';
import { generateManifest } from './generate-manifest.js';
import { serializeManifest } from './serialize-manifest.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/sample-module', import.meta.url));

function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'codegen-'));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

describe('generateManifest', () => {
  it('reads the definition, package.json and Config type into a manifest', async () => {
    const m = await generateManifest(copyFixture());
    expect(m).toMatchObject({
      manifest_version: 1,
      sdk_api: 1,
      name: 'sample_source',
      entry: './lib/index.js',
      type: 'source',
      description: 'Reads a sample',
      category: 'File Sources',
      input_ports: [],
      output_ports: ['data'],
      globals: ['row_count'],
      cacheable: true,
      packages: ['apache-arrow', 'csv-parse'],
    });
  });

  it('splits config into required and optional with type, default, description, enum and secret', async () => {
    const { config_schema } = await generateManifest(copyFixture());
    expect(config_schema.required).toEqual({ file_path: { type: 'string', description: 'Path to CSV file' } });
    expect(config_schema.optional).toEqual({
      encoding: { type: 'string', default: 'utf-8', description: 'File encoding', enum: ['utf-8', 'latin1'] },
      batch_size: { type: 'integer', default: 1000, description: 'Rows per batch' },
      header: { type: 'boolean', default: true, description: 'Treat the first line as column names' },
      token: { type: 'string', description: 'Token for the API', secret: true },
    });
  });

  it('emits a closed draft-07 JSON Schema', async () => {
    const { json_schema } = await generateManifest(copyFixture());
    expect(json_schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['file_path'],
      additionalProperties: false,
    });
    expect(json_schema).not.toHaveProperty('definitions');
    expect((json_schema.properties as Record<string, unknown>).token).toMatchObject({ secret: true });
  });

  it('never records the package version, so a version bump cannot stale the manifest', async () => {
    const dir = copyFixture();
    const before = serializeManifest(await generateManifest(dir));
    const pkgPath = join(dir, 'package.json');
    writeFileSync(pkgPath, readFileSync(pkgPath, 'utf8').replace('9.9.9', '10.0.0'));
    const after = serializeManifest(await generateManifest(dir));
    expect(after).toBe(before);
    expect(after).not.toContain('9.9.9');
  });

  it('serializes deterministically with a trailing newline', async () => {
    const text = serializeManifest(await generateManifest(copyFixture()));
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'manifest_version', 'sdk_api', 'name', 'entry', 'type', 'description', 'category',
      'input_ports', 'output_ports', 'globals', 'cacheable', 'packages', 'config_schema', 'json_schema',
    ]);
    expect(serializeManifest(await generateManifest(copyFixture()))).toBe(text);
  });

  it('collects every problem of a bad definition, naming the package', async () => {
    const dir = copyFixture();
    writeFileSync(join(dir, 'lib/index.js'), `export default { name: 'SampleSource', type: 'source', description: 'x', category: 'y',
      inputPorts: ['in'], outputPorts: ['data'], async run() { return {}; } };`);
    const error = await generateManifest(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodegenError);
    const { packageName, problems } = error as CodegenError;
    expect(packageName).toBe('@pypeline/mod-sample-source');
    expect(problems).toEqual([
      expect.stringContaining('"sample_source"'),
      expect.stringContaining('a source module has no data inputs'),
    ]);
  });

  it('tells the author to build when the entry is missing', async () => {
    const dir = copyFixture();
    const pkgPath = join(dir, 'package.json');
    writeFileSync(pkgPath, readFileSync(pkgPath, 'utf8').replace('./lib/index.js', './dist/index.js'));
    await expect(generateManifest(dir)).rejects.toThrow(/dist\/index\.js does not exist: build the package first/);
  });

  it('refuses a required field with a default', async () => {
    const dir = copyFixture();
    const configPath = join(dir, 'src/config.ts');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('file_path: string;', '/** @default "a.csv" */\n  file_path: string;'));
    await expect(generateManifest(dir)).rejects.toThrow(/config "file_path" is required but has @default/);
  });
});
