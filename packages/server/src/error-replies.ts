import type { FastifyError, FastifyInstance } from 'fastify';
import { PypeError } from '@pypeline/core';
import { HttpError } from './http-error.js';

/**
 * Every error becomes a small JSON body: `{ error, hint?, errors? }`. Stack traces never leave
 * the server; an unexpected error is logged with its stack and answered with a plain 500.
 */
export function installErrorReplies(app: FastifyInstance, log: (line: string) => void): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send({ error: err.message, ...err.extra });
    if (err instanceof PypeError) return reply.code(422).send({ error: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: clientMessage(err as FastifyError) });
    log(`✗ ${request.method} ${request.url}: internal error: ${err.stack ?? err.message}`);
    return reply.code(500).send({ error: 'internal error (this is a bug in PYpeline; the server log has the details)' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no such endpoint: ${request.method} ${request.url.split('?')[0]}`, hint: 'see GET /health, GET /metrics, GET /jobs, POST /jobs/:name/runs, GET /runs/:id, GET /runs/:id/events, or the console at /console/' }));
}

function clientMessage(err: FastifyError): string {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) return `the request body is too large: ${err.message}`;
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return `unsupported content type: send application/json (the context) or multipart/form-data (files and fields)`;
  return err.message;
}
