// The manifest's shape is part of the module contract, so it lives in the SDK.
export { MANIFEST_VERSION, MANIFEST_FILE } from '@pypeline/sdk';
export type { Manifest, ConfigSchema, ConfigField } from '@pypeline/sdk';
