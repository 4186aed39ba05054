#!/usr/bin/env node
// Build step: compiles the flow schema's Ajv validator into dist/flow-validator.cjs (Ajv standalone
// code), so that loading a flow does not compile the schema on every run (tens of milliseconds of
// `pype run`'s start-up). The options must be FLOW_VALIDATOR_OPTIONS of src/flow/flow-schema.ts,
// which uses this file only from the built package (dist/), where it is always this build's.
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { FLOW_VALIDATOR_OPTIONS } from '../dist/flow/flow-schema.js';

const schema = JSON.parse(readFileSync(new URL('../schema/flow.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ ...FLOW_VALIDATOR_OPTIONS, code: { source: true } });
writeFileSync(new URL('../dist/flow-validator.cjs', import.meta.url), standaloneCode(ajv, ajv.compile(schema)));
