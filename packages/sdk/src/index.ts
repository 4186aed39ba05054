export { defineModule, SDK_API_VERSION } from './module.js';
export type { ModuleDefinition, ModuleType, ModuleInputs, ModuleOutputs, ConfigMigration, ConfigMigrations } from './module.js';
export type { Artifact, ArtifactManager, ModuleOutput } from './artifact.js';
export type { ModuleContext, ModuleLogger, WorkerPool, PoolTask } from './context.js';
export { ModuleError } from './errors.js';
export type { ModuleErrorOptions } from './errors.js';
export { MemoryArtifact, isArtifact, toTable } from './memory-artifact.js';
export { MANIFEST_VERSION, MANIFEST_FILE } from './manifest.js';
export type { Manifest, ConfigSchema, ConfigField } from './manifest.js';
