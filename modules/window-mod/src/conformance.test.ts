import { assertConformance } from '@pypeline/sdk/testing';
import { it } from 'vitest';

// What `pype new-module` scaffolds: a discoverable, publishable package whose manifest is fresh and defaults sound.
it('window_mod conforms to the module contract', () => assertConformance(new URL('..', import.meta.url), { defaults: {} }));
