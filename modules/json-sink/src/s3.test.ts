import { fileURLToPath } from 'node:url';
import { describeS3Sink } from '@pypeline/test-services';
import sink from './index.js';

describeS3Sink({ module: sink, manifest: fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url)), ext: 'jsonl' });
