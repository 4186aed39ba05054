import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';

export interface RunRequest {
  context: Record<string, unknown>;
  /** Where uploaded files were written (removed when the run ends). */
  uploadDir?: string;
}

/**
 * The context a POST asks for. JSON: the body is the context. Multipart: each file is saved
 * under `uploadDir` and its field name becomes a context value holding the file's path (a
 * source module reads it, e.g. `file_path: "{{context.input}}"`); other fields are values,
 * and a field named `context` may carry a JSON object of values.
 */
export async function readRunRequest(request: FastifyRequest, uploadDir: string): Promise<RunRequest> {
  if (!request.isMultipart()) {
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(422, 'the request body must be a JSON object: the run\'s context values', { errors: [{ path: '/', message: 'must be an object' }] });
    return { context: body as Record<string, unknown> };
  }
  const context: Record<string, unknown> = {};
  let saved = false;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        mkdirSync(uploadDir, { recursive: true });
        const file = join(uploadDir, `${part.fieldname}-${safeName(part.filename)}`);
        saved = true;
        await pipeline(part.file, createWriteStream(file));
        context[part.fieldname] = file;
      } else if (part.fieldname === 'context') {
        Object.assign(context, parseContextField(String(part.value)));
      } else {
        context[part.fieldname] = scalar(String(part.value));
      }
    }
  } catch (err) {
    if (saved) rmSync(uploadDir, { recursive: true, force: true });
    throw err;
  }
  return { context, uploadDir: saved ? uploadDir : undefined };
}

function parseContextField(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(422, 'the multipart field "context" must hold a JSON object', { errors: [{ path: '/context', message: 'is not valid JSON' }] });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(422, 'the multipart field "context" must hold a JSON object', { errors: [{ path: '/context', message: 'must be an object' }] });
  }
  return value as Record<string, unknown>;
}

/** Form fields are text; numbers and booleans are read as such, like `pype run --set`. */
function scalar(raw: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw === 'true' ? true : raw === 'false' ? false : raw;
}

function safeName(name: string): string {
  return basename(name || 'upload').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'upload';
}
