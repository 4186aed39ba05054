import type { ModuleType } from './module.js';

/** Bumped when the manifest's shape changes in a way readers must know about. */
export const MANIFEST_VERSION = 1;

/** Where the manifest is written, relative to the module package root. */
export const MANIFEST_FILE = 'pypeline.manifest.json';

/**
 * A JSON Schema (draft-07) as the codegen writes it: the keywords PYpeline reads are typed,
 * every other keyword is kept as `unknown`. `secret` and `format: 'path' | 'sql'` are
 * PYpeline's own annotations (from `@secret` and `@format` in a module's `Config`).
 */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  format?: string;
  secret?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
}

/** One config parameter in the spec's CONFIG_SCHEMA form. */
export interface ConfigField {
  /** A JSON Schema type name (`string`, `integer`, ...), a list of them, or `any`. */
  type: string | string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
  /** Resolved at run time only and never written to build output or logs. */
  secret?: true;
}

/** The spec's CONFIG_SCHEMA: parameters split by whether a flow must set them. */
export interface ConfigSchema {
  required: Record<string, ConfigField>;
  optional: Record<string, ConfigField>;
}

/**
 * The registry entry of one module package, readable without importing the module.
 * WARNING: it holds no package version on purpose; discovery reads that from package.json,
 * so a version bump never makes a committed manifest stale.
 */
export interface Manifest {
  manifest_version: number;
  sdk_api: number;
  name: string;
  /** The module's ESM entry, relative to the package root. */
  entry: string;
  type: ModuleType;
  description: string;
  category: string;
  input_ports: string[];
  /**
   * The input ports that take any number of connections (the definition's `manyInputPorts`);
   * written only when there are some, so absent means none.
   */
  many_input_ports?: string[];
  output_ports: string[];
  globals: string[];
  /**
   * Whether `pype run --cache` may reuse this module's stored outputs: the definition's
   * `cacheable` for sources and mods (default true), always false for sinks and solos.
   * Absent in manifests written before caching existed.
   */
  cacheable?: boolean;
  /** Third-party runtime dependencies (package.json dependencies minus `@pypeline/*`). */
  packages: string[];
  config_schema: ConfigSchema;
  /** The full JSON Schema (draft-07) of the module's `Config` interface. */
  json_schema: JsonSchema;
}
