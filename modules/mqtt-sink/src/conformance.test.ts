import { PUBLISH_DEFAULTS } from '@pypeline/brokers';
import { assertConformance } from '@pypeline/sdk/testing';
import { it } from 'vitest';
import { DEFAULTS } from './config.js';

// What `pype new-module` scaffolds: a discoverable, publishable package whose manifest is fresh and defaults sound.
it('mqtt_sink conforms to the module contract', () => assertConformance(new URL('..', import.meta.url), { defaults: { ...PUBLISH_DEFAULTS, ...DEFAULTS } }));
