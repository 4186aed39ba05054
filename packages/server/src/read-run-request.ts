import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { guardPath, PathOutsideRootError } from '@pypeline/core';
import { HttpError } from './http-error.js';

/** A multipart field becomes a context variable, so its name must be one (as `{{context.name}}` reads it). */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
      checkFieldName(part.fieldname);
      if (part.type === 'file') {
        saved = true;
        mkdirSync(uploadDir, { recursive: true });
        const file = uploadPath(uploadDir, part.fieldname, part.filename);
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

function checkFieldName(name: string): void {
  if (FIELD_NAME.test(name)) return;
  throw new HttpError(422, `multipart field "${name}" is not a context variable name`, {
    hint: 'name each field after the context variable it sets: letters, digits and _, not starting with a digit',
    errors: [{ path: `/${name}`, message: 'is not a context variable name' }],
  });
}

/** `<uploadDir>/<field>-<clean file name>`, through the one path guard as well. */
function uploadPath(uploadDir: string, field: string, filename: string): string {
  try {
    return guardPath(join(uploadDir, `${field}-${safeName(filename)}`), uploadDir, { where: `multipart field "${field}"`, rootName: 'the upload folder', fix: 'send a plain file name' });
  } catch (err) {
    if (err instanceof PathOutsideRootError) throw new HttpError(422, err.message, { hint: err.hint });
    throw err;
  }
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
