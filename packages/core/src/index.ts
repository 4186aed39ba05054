// TypeScript flows
export { flow, step, FlowBuilder, isFlowBuilder } from './builder/flow-builder.js';
export type { StepRef, StepSpec, StepOptions, StepConfig, Template, PortRef, Valve } from './builder/flow-builder.js';

// Build: load → plan → job folder
export { buildFlow, buildCheckedFlow, checkFlow, validateFlow, defaultDiscovery } from './build/build.js';
export { knownJobs } from './build/known-jobs.js';
export { dueTicks, nextTick, LATE_AFTER_MS, CATCH_UP_MAX } from './triggers/cron-schedule.js';
export type { DueTicks } from './triggers/cron-schedule.js';
export type { BuildResult, CheckResult, ValidateOptions, ValidateResult } from './build/build.js';
export type { SchemaOptions } from './schema/propagate-schemas.js';
export { checkModules } from './schema/check-modules.js';
export { columnsJson } from './schema/edge-schemas.js';
export type { CheckModulesOptions, ModuleCheck } from './schema/check-modules.js';
export type { SchemasFile, EdgeSchemaJson, ColumnJson } from './schema/edge-schemas.js';
export { loadFlowFile, loadFlowText, readFlowFile } from './flow/load-flow.js';
export type { LoadedFlow } from './flow/load-flow.js';
export { flowSchema, FLOW_SCHEMA_PATH } from './flow/flow-schema.js';
export type { DistributedDocument, Flow, ModuleSpec, Settings, TriggerDocument } from './flow/types.js';
export { formatDiagnostic, sortDiagnostics, formatPath } from './flow/diagnostics.js';
export { didYouMean } from './flow/did-you-mean.js';
export { contextProblems, contextValidator } from './flow/context-schema.js';
export type { SchemaProblem } from './flow/schema-errors.js';
export type { Diagnostic } from './flow/diagnostics.js';
export { planFlow } from './plan/plan-flow.js';
export type { Plan, Dag, DagNode, DataEdge, ControlEdge, SubFlow, ExecutionMetadata, PlannedTrigger } from './plan/types.js';

// Registry
export { discoverModules } from './registry/discover.js';
export type { Discovery, DiscoveryProblem } from './registry/discover.js';
export type { ModuleManifest, RegistryEntry, ConfigField } from './registry/manifest.js';
export { discoverProject, workspacePackageDirs } from './registry/discover-project.js';
export { readPackage as readModulePackage } from './registry/discover.js';
export { resolveModule } from './registry/resolve-module.js';
export { checkModuleImports, importModule, ModuleImportError } from './registry/import-module.js';
export {
  REGISTRY_FILE, toRegistryFile, addToRegistry, nameConflicts, conflictMessage, readRegistryFile, writeRegistryFile,
} from './registry/registry-file.js';
export type { RegistryFile, RegistryFileEntry, NameConflict } from './registry/registry-file.js';
export { upgradeFlow } from './registry/upgrade-flow.js';
export { builtJobDir, upgradeHint } from './registry/upgrade-hint.js';
export type { UpgradeOptions, UpgradeResult, ModuleUpgrade } from './registry/upgrade-flow.js';
export type { ConfigChange, ConfigSection } from './registry/config-changes.js';
export type { MigrationStep } from './registry/migrate-config.js';

// Run
export { runJob } from './run/run-job.js';
export { run } from './run/run-flow.js';
export type { FlowRunOptions } from './run/run-flow.js';
export type { RunOptions, RunResult, ModuleResult, CacheOptions } from './run/run-job.js';

// Cached re-runs (`pype run --cache`, `pype cache ls|clear`)
export { listCache, clearCache, resolveCacheDir, parseSize, formatBytes, DEFAULT_CACHE_MAX_BYTES, CACHE_DIR_ENV } from './cache/cache-folder.js';
export type { CacheEntry } from './cache/cache-folder.js';
export type { Hooks, ModuleHookInfo, ModuleHookResult } from './run/hooks.js';
export { typePattern } from './run/events.js';
export { loadJob } from './run/load-job.js';
export { cleanJob } from './run/clean-job.js';
// The job folder's checkpoint: `pype serve` reads whose run it holds before resuming it after a restart.
export { Checkpoint } from './run/checkpoint.js';
export type { CheckpointState } from './run/checkpoint.js';
export { executeSubflowTask, toTask, applyResult } from './run/subflow-task.js';
export type { SubflowTask, SubflowTaskResult, SubflowExecutor, TaskRunOptions } from './run/subflow-task.js';
export type { EventPayload } from './run/events.js';
export { EventBus } from './run/events.js';
export type { PypeEvent, EventType, EventOf, Listener, RunStatus, NodeStatus } from './run/events.js';
export { renderSummary, summarize, formatMs } from './run/summary.js';
export { formatTable } from './format/format-table.js';
export type { FormatTableOptions } from './format/format-table.js';
export { renderTimeline } from './run/timeline.js';
export type { ModuleSummary } from './run/summary.js';

export { envProvider, fileProvider, vaultProvider, providersFromEnv } from './secrets/providers.js';
export type { SecretProvider, VaultOptions } from './secrets/providers.js';
export { PypeError, FlowValidationError, InternalError } from './errors.js';
// The one path guard (settings.allowed_root, server uploads); it lives in the SDK so modules use it too.
export { guardPath, PathOutsideRootError } from '@pypeline/sdk';
export { PYPELINE_VERSION } from './version.js';

// Templates (used by runtimes beside core, e.g. stream flows)
export { resolveTemplates, resolveExpressionTemplates } from './template/templater.js';
export { resolveConfigTemplates } from './template/resolve-config.js';
export type { TemplateScope } from './template/templater.js';
export { findRefs } from './template/references.js';
export { parseDataEdge, parseControlEdge, isSyntaxError } from './plan/parse-connections.js';
export { checkConfig, configProblems, addValueCheck } from './plan/check-config.js';
export type { ConfigProblem, ConfigOwner, ValueCheck } from './plan/check-config.js';
export type { ParsedDataEdge, ParsedControlEdge } from './plan/parse-connections.js';
export type { YamlDocument } from './flow/yaml-document.js';
