import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { runJob } from '../run/run-job.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { envProvider } from './providers.js';
import { MIN_REDACTED_LENGTH, REDACTED, Redactor } from './redactor.js';

const SECRET = 'Pa55/word+"key"=ü';

function redactor(...values: string[]): Redactor {
  const r = new Redactor();
  for (const v of values) r.add(v);
  return r;
}

describe('Redactor', () => {
  it.each([
    ['as is', SECRET],
    ['lower-cased (PostgreSQL folds unquoted names)', SECRET.toLowerCase()],
    ['upper-cased', SECRET.toUpperCase()],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['URL-encoded, lower-case hex', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['form-encoded', new URLSearchParams({ k: SECRET }).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['JSON-escaped with \\u escapes', JSON.stringify(SECRET).slice(1, -1).replace('ü', '\\u00fc')],
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
    ['base64 inside Basic auth (user:secret)', Buffer.from(`etl:${SECRET}`).toString('base64')],
    ['base64 after two bytes of prefix', Buffer.from(`ab${SECRET}`).toString('base64')],
  ])('hides a secret %s, wherever it stands in a text', (_, form) => {
    const out = redactor(SECRET).text(`before ${form} after`);
    expect(out).not.toContain(form.slice(2, -2));
    expect(out).toMatch(/^before .*\*\*\*.* after$/);
  });

  it('replaces the whole value when it stands as is', () => {
    expect(redactor('s3cr3t-VALUE').text('token=s3cr3t-value; again S3CR3T-VALUE')).toBe(`token=${REDACTED}; again ${REDACTED}`);
  });

  it(`leaves values shorter than ${MIN_REDACTED_LENGTH} characters alone (they would hide ordinary words), and redacts from ${MIN_REDACTED_LENGTH} on`, () => {
    expect(MIN_REDACTED_LENGTH).toBe(4);
    const r = redactor('abc', 'ab', 'wxyz');
    expect(r.text('abc ab wxyz WXYZ')).toBe(`abc ab ${REDACTED} ${REDACTED}`);
  });

  it('walks nested events and leaves other values as they are', () => {
    const r = redactor('hunter22');
    expect(r.deep({ msg: 'pw=HUNTER22', n: 1, list: ['a', 'x hunter22 y'], nested: { e: 'aHVudGVyMjI=' } })).toEqual({
      msg: `pw=${REDACTED}`, n: 1, list: ['a', `x ${REDACTED} y`], nested: { e: REDACTED },
    });
  });
});

describe('a secret too short to redact', () => {
  it('is named in a warning at the start of the run, its value never', async () => {
    const flow = flowYaml({ modules: '  - id: a\n    name: sleep_solo\n    configs:\n      required:\n        ms: 1\n      optional:\n        note: "pin={{secret.pin}}"' });
    const { jobDir } = buildFlow(writeFlow(flow), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
    const r = await runJob(jobDir, { searchDirs: [fixtureProject()], secretProviders: [envProvider({ PYPE_SECRET_PIN: 'Q7' })] });
    expect(r.status).toBe('success');
    const warnings = r.events.filter((e) => e.type === 'log' && e.level === 'warn');
    expect(warnings).toEqual([expect.objectContaining({ msg: 'secret "pin" is shorter than 4 characters, so it is not redacted from logs, events and errors: use a longer value' })]);
    expect(r.events.findIndex((e) => e === warnings[0])).toBeLessThan(r.events.findIndex((e) => e.type === 'module.started'));
  });
});
