import { assertConformance } from '@pypeline/sdk/testing';
import { it } from 'vitest';
import { ALL_DEFAULTS } from './config.js';

// What `pype new-module` scaffolds: a discoverable, publishable package whose manifest is fresh and defaults sound.
it('http_source conforms to the module contract', () => assertConformance(new URL('..', import.meta.url), { defaults: ALL_DEFAULTS }));
