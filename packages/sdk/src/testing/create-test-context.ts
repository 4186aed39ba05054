import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMemoryBudget } from '../memory/memory-budget.js';
import type { ArtifactManager } from '../artifact.js';
import type { ModuleContext } from '../context.js';
import { MemoryArtifact, toTable } from '../memory-artifact.js';
import { createInProcessPool, type InProcessPool } from './in-process-pool.js';
import { createRecordingLogger, type LogRecord } from './recording-logger.js';

/** The part of a module manifest that holds config defaults. */
interface ManifestDefaults {
  config_schema: { optional: Record<string, { default?: unknown }> };
}

export interface TestContextOptions<C> {
  config: C;
  /** @default 'test_module' */
  moduleId?: string;
  /**
   * `ctx.runId`. Pass the same id to two contexts to play a resumed run (as `pype run --resume`
   * does); by default every context is a fresh run of its own.
   * @default a new random id
   */
  runId?: string;
  /** `ctx.frame`, e.g. `2.1` for a nested loop. @default `iterIndex` as text */
  frame?: string;
  iterIndex?: number;
  iterItem?: unknown;
  /** `ctx.allowedRoot`: the flow's settings.allowed_root. @default none */
  allowedRoot?: string;
  /** Globals other modules set, by module id then key, for `ctx.getGlobal`. */
  upstreamGlobals?: Record<string, Record<string, unknown>>;
  /**
   * A manifest (or its path) whose optional defaults fill keys missing from `config`,
   * as the engine does before `run`, so tests exercise the generated defaults.
   */
  manifest?: string | ManifestDefaults;
  /** `ctx.memoryBudget` in bytes; a small one makes an out-of-core module spill. @default as a run's default */
  memoryBudget?: number;
}

// Folders ctx.tempDir() made in tests: removed when the test process exits.
const testTempDirs: string[] = [];
let removeOnExit = false;
function testTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pypeline_test_'));
  testTempDirs.push(dir);
  if (!removeOnExit) process.once('exit', () => testTempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  removeOnExit = true;
  return dir;
}

/** A ModuleContext whose effects (logs, globals, pool runs) tests can read back. */
export interface TestContext<C> extends ModuleContext<C> {
  readonly logs: LogRecord[];
  /** This node's globals, by key as the module set them. */
  readonly globals: Map<string, unknown>;
  readonly pool: InProcessPool;
  abort(reason?: unknown): void;
}

export function createTestContext<C>(options: TestContextOptions<C>): TestContext<C> {
  const moduleId = options.moduleId ?? 'test_module';
  const iterIndex = options.iterIndex ?? 0;
  const frame = options.frame ?? String(iterIndex);
  const logs: LogRecord[] = [];
  const globals = new Map<string, unknown>();
  const controller = new AbortController();
  const artifacts: ArtifactManager = { register: async (data) => new MemoryArtifact(await toTable(data)) };
  return {
    runId: options.runId ?? `test-${randomBytes(4).toString('hex')}`,
    frame,
    nodeId: `${moduleId}#${frame}`,
    moduleId,
    iterIndex,
    iterItem: options.iterItem,
    allowedRoot: options.allowedRoot,
    config: withDefaults(options.config, options.manifest),
    logger: createRecordingLogger(logs),
    artifacts,
    pool: createInProcessPool(),
    signal: controller.signal,
    memoryBudget: options.memoryBudget ?? defaultMemoryBudget(),
    tempDir: testTempDir,
    logs,
    globals,
    abort: (reason) => controller.abort(reason),
    setGlobal: (key, value) => void globals.set(key, value),
    getGlobal: (id, key) => lookup(options.upstreamGlobals ?? {}, id, key),
  };
}

function withDefaults<C>(config: C, manifest: TestContextOptions<C>['manifest']): C {
  if (manifest === undefined) return config;
  const parsed: ManifestDefaults = typeof manifest === 'string' ? JSON.parse(readFileSync(manifest, 'utf8')) : manifest;
  const defaults = Object.entries(parsed.config_schema.optional)
    .filter(([, field]) => field.default !== undefined)
    .map(([key, field]) => [key, field.default]);
  return { ...Object.fromEntries(defaults), ...config } as C;
}

// Globals are case-insensitive in the spec, for module ids and keys alike.
function lookup(store: Record<string, Record<string, unknown>>, moduleId: string, key: string): unknown {
  const module = Object.entries(store).find(([id]) => id.toLowerCase() === moduleId.toLowerCase())?.[1];
  if (!module) return undefined;
  return Object.entries(module).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
}
