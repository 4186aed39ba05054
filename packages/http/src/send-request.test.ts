import { afterEach, describe, expect, it } from 'vitest';
import { send, statusError } from './send-request.js';
import { closeTestServers, startTestServer, type TestAnswer } from './testing/test-server.js';

afterEach(closeTestServers);

describe('send', () => {
  it('retries 5xx and 429 until an answer is final, telling onRetry the waits', async () => {
    const server = await startTestServer((_r, i): TestAnswer => (i < 2 ? { status: i ? 429 : 500, headers: i ? { 'retry-after': '0' } : {}, body: 'no' } : { body: { ok: true } }));
    const notes: string[] = [];
    const answer = await send({ method: 'GET', url: server.url }, { where: 'test', backoff: { initialMs: 4, random: () => 1 }, onRetry: (n) => notes.push(`${n.attempt}:${n.waitMs}:${n.reason}`) });
    expect(answer).toMatchObject({ ok: true, status: 200, text: '{"ok":true}', attempts: 3 });
    expect(notes).toEqual(['1:4:500 Internal Server Error', '2:0:429 Too Many Requests']);
  });

  it('returns a 4xx at once, and statusError says what and how to fix it', async () => {
    const server = await startTestServer(() => ({ status: 404, body: 'no such thing' }));
    const request = { method: 'GET', url: `${server.url}/x` };
    const answer = await send(request, { where: 'test' });
    expect(answer.attempts).toBe(1);
    const error = statusError('test', request, answer);
    expect(error.message).toBe(`test: GET ${server.url}/x answered 404 Not Found: no such thing`);
    expect(error.hint).toBe('check url (and, when paging, the link or cursor the server returned)');
    expect(error.retryable).toBe(false);
  });

  it('a timeout is a network error, retried, then named with the fix', async () => {
    const server = await startTestServer(() => new Promise(() => {}));
    await expect(send({ method: 'GET', url: server.url }, { where: 'test', retries: 1, timeoutMs: 200, backoff: { initialMs: 1 } })).rejects.toMatchObject({
      message: `test: GET ${server.url} failed: no answer within 0.2 s (gave up after 2 attempts)`,
      hint: expect.stringMatching(/^check that 127\.0\.0\.1:\d+ answers, or raise timeout$/),
    });
  });

  it('stops at once when its signal aborts', async () => {
    const server = await startTestServer(() => ({ status: 503, headers: { 'retry-after': '100' } }));
    const abort = new AbortController();
    const pending = send({ method: 'GET', url: server.url }, { where: 'test', signal: abort.signal, onRetry: () => abort.abort(new Error('cancelled')) });
    await expect(pending).rejects.toThrow('cancelled');
  });
});
