import { ModuleError } from '@pypeline/sdk';
import { freePort, useLocalS3 } from '@pypeline/test-services';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkInput, checkOutput } from './check-path.js';
import { openInput } from './input-file.js';
import { writeOutput } from './output-file.js';
import { s3Error } from './s3-error.js';

const s3 = useLocalS3(['data']);
beforeAll(async () => {
  await writeOutput('s3://data/a.csv', (async function* () {
    yield 'a\n1\n';
  })(), s3.options);
}, 90_000);

async function failure(promise: Promise<unknown>): Promise<ModuleError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ModuleError);
  return error as ModuleError;
}

describe('object storage errors', () => {
  it('a down endpoint is named with the fix', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const error = await failure(openInput('s3://data/a.csv', { ...s3.options, s3_endpoint: endpoint }));
    expect(error.message).toBe(`cannot read s3://data/a.csv: the object storage endpoint ${endpoint} cannot be reached (ECONNREFUSED)`);
    expect(error.hint).toContain('check s3_endpoint');
    expect(error.retryable).toBe(true);
  }, 60_000);

  it('an unknown access key is refused credentials, not a missing file', async () => {
    const error = await failure(openInput('s3://data/a.csv', { ...s3.options, s3_access_key_id: 'NOT-A-KEY' }));
    expect(error.message).toMatch(new RegExp(`^cannot read s3://data/a.csv: ${s3.endpoint} (refused the credentials|denied access)`));
    expect(error.hint).toContain('s3_access_key_id and s3_secret_access_key');
    expect(error.retryable).toBe(false);
  }, 60_000);

  it('an unknown access key is refused on a write too, and nothing is written', async () => {
    const bad = { ...s3.options, s3_access_key_id: 'NOT-A-KEY' };
    const error = await failure(writeOutput('s3://data/b.csv', (async function* () {
      yield 'a\n1\n';
    })(), bad));
    expect(error.message).toMatch(new RegExp(`^cannot write s3://data/b.csv: ${s3.endpoint} (refused the credentials|denied access)`));
    await failure(openInput('s3://data/b.csv', s3.options));
  }, 60_000);

  it('a wrong secret (SignatureDoesNotMatch) is worded as refused credentials', () => {
    // s3rver checks key ids but not signatures, so S3's answer to a wrong secret is given here as S3 sends it.
    const target = { where: 'http://s3.example:9000' } as Parameters<typeof s3Error>[3];
    const error = s3Error(Object.assign(new Error('The request signature we calculated does not match'), { name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } }), 'read', 's3://b/k', target) as ModuleError;
    expect(error.message).toBe('cannot read s3://b/k: http://s3.example:9000 refused the credentials (SignatureDoesNotMatch)');
    expect(error.retryable).toBe(false);
  });

  it('a key id without its secret is a settings problem', async () => {
    const { s3_secret_access_key: _, ...half } = s3.options;
    const error = await failure(openInput('s3://data/a.csv', half));
    expect(error.message).toBe('object storage settings: s3_access_key_id and s3_secret_access_key go together: s3_secret_access_key is missing');
  });

  it('check reads a HEAD and proves a write without leaving an object', async () => {
    expect(await checkInput('s3://data/a.csv', 'file_path', s3.options)).toBe(`s3://data/a.csv: readable, 4 bytes at ${s3.endpoint}`);
    expect(await checkOutput('s3://data/out/new.csv', 'output_path', s3.options)).toBe(`s3://data/out/new.csv: writable at ${s3.endpoint}`);
    await failure(openInput('s3://data/out/new.csv', s3.options));
    const denied = await failure(checkOutput('s3://data/out/new.csv', 'output_path', { ...s3.options, s3_access_key_id: 'NOT-A-KEY' }));
    expect(denied.hint).toContain('s3_access_key_id');
  }, 60_000);
});
