import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FlowValidationError, isFlowBuilder, loadFlowText, PypeError, readFlowFile, type Diagnostic } from '@pypeline/core';
import { errorMessage } from '@pypeline/sdk';
import { cachedFlow, keepContextSchema, keepFlow, type CompiledFlow } from './code-flow-cache.js';

/** True for flows written in TypeScript or JavaScript rather than YAML. */
export function isCodeFlow(file: string): boolean {
  return /\.(ts|mts|js|mjs)$/i.test(file);
}

/** True for a YAML flow with `settings.execution_mode: stream` (even one with other problems). */
export function isStreamFlowText(file: string, text: string): boolean {
  const data = loadFlowText(file, text).doc.data as { settings?: { execution_mode?: unknown } } | null;
  return typeof data === 'object' && data !== null && data.settings?.execution_mode === 'stream';
}

/** Marks stream apps (`streamApp()` from @pypeline/stream) without loading that package. */
const STREAM_APP = Symbol.for('pypeline.stream-app');

/** True for a `streamApp()` (duck-typed, so an app importing another copy of the package is recognised). */
export function isStreamApp(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STREAM_APP] === true;
}

/**
 * The default export of a TypeScript or JavaScript flow file: bundled with esbuild (packages
 * stay external, so it imports the installed @pypeline packages) and imported. The bundle and
 * the Context schema are kept between runs while the sources are unchanged (code-flow-cache.ts).
 */
export async function importCodeFlow(file: string): Promise<unknown> {
  const compiled = cachedFlow(file, compilersVersion()) ?? (await compileCodeFlow(file));
  const out = join(dirname(file), `.${basename(file)}.${process.pid}.mjs`);
  try {
    writeFileSync(out, compiled.code);
    const mod = await import(`${pathToFileURL(out).href}?t=${Date.now()}`).catch((err) => {
      if (err?.code === 'ERR_MODULE_NOT_FOUND') {
        const pkg = /Cannot find package '([^']+)'/.exec(err.message)?.[1] ?? 'a package it imports';
        throw new PypeError(`${file} imports ${pkg}, which is not installed where the flow is`, { hint: `npm install ${pkg} (next to the flow)` });
      }
      throw new PypeError(`${file} failed while loading: ${err instanceof Error ? err.message : String(err)}`, { hint: 'fix the error in the file (run with --debug for the stack trace)' });
    });
    const exported = mod.default;
    // A flow's context type becomes its context_schema here, so every command that loads the file checks contexts alike.
    if (isFlowBuilder(exported) && !exported.hasContextSchema) {
      let schema = compiled.contextSchema;
      if (schema === undefined) keepContextSchema(file, (schema = (await contextSchemaOf(file)) ?? null));
      if (schema) exported.contextSchema(schema);
    }
    return exported;
  } finally {
    rmSync(out, { force: true });
  }
}

/** What a kept compilation depends on besides its sources: the compilers' versions (read once, when first needed). */
let compilers: string | undefined;
function compilersVersion(): string {
  compilers ??= `esbuild ${versionOf(() => createRequire(import.meta.url).resolve('esbuild/package.json'))}, @pypeline/cli ${versionOf(() => new URL('../package.json', import.meta.url))}`;
  return compilers;
}

/** A package's version from its package.json; `unknown` where there is none (this file bundled elsewhere, as a test entry is). */
function versionOf(packageJson: () => string | URL): string {
  try {
    return JSON.parse(readFileSync(packageJson(), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The JSON Schema of the `Context` type the flow file exports, through the module codegen (loaded only here: it brings TypeScript). */
async function contextSchemaOf(file: string): Promise<Record<string, unknown> | undefined> {
  const { generateContextSchema, CONTEXT_TYPE } = await import('@pypeline/codegen');
  try {
    return generateContextSchema(file);
  } catch (err) {
    throw new PypeError(`cannot generate the JSON Schema of ${CONTEXT_TYPE} in ${file}: ${errorMessage(err).trim()}`, {
      hint: `declare \`export interface ${CONTEXT_TYPE} { ... }\` with JSON-compatible property types (string, number, boolean, null, literal unions)`,
    });
  }
}

/** Bundles the flow file with esbuild and keeps the result. */
async function compileCodeFlow(file: string): Promise<CompiledFlow> {
  const { build } = await import('esbuild');
  const result = await build({ entryPoints: [file], write: false, metafile: true, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20', logLevel: 'silent' }).catch((err) => {
    throw new PypeError(`cannot compile ${file}: ${err.errors?.[0]?.text ?? err.message}`, { hint: 'check the file with tsc' });
  });
  const compiled = { code: result.outputFiles[0].text };
  keepFlow(file, compilersVersion(), Object.keys(result.metafile.inputs), compiled);
  return compiled;
}

/**
 * The YAML text of a flow file. A TypeScript flow's default export (a `flow()` builder) is
 * turned into the same YAML document the YAML twin would be.
 */
export async function flowText(file: string): Promise<string> {
  if (!isCodeFlow(file)) return readFlowFile(file);
  return codeFlowText(file, await importCodeFlow(file));
}

/** The YAML of an imported code flow's default export. */
export function codeFlowText(file: string, exported: unknown): string {
  if (isStreamApp(exported)) {
    throw new PypeError(`${file} exports a stream app, which runs without a job folder`, { hint: `run it with \`pype run ${file}\`` });
  }
  if (!isFlowBuilder(exported)) {
    throw new PypeError(`${file} does not export a flow`, { hint: "end it with `export default flow({ name: '...' })...` (or `export default app` for a streamApp)" });
  }
  return exported.toYaml();
}

/**
 * A TypeScript flow is checked as the YAML it generates, whose lines mean nothing in the .ts
 * file: its problems keep their path (the node and key) and drop the line.
 */
export function locatedFor(file: string, diagnostics: Diagnostic[]): Diagnostic[] {
  return isCodeFlow(file) ? diagnostics.map((d) => ({ ...d, line: 0, column: 0 })) : diagnostics;
}

/** Runs a build of `file`; a TypeScript flow's validation error loses its meaningless lines (see locatedFor). */
export async function locatingErrors<T>(file: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (error) {
    if (error instanceof FlowValidationError && isCodeFlow(file)) throw new FlowValidationError(error.file, locatedFor(file, error.diagnostics));
    throw error;
  }
}
