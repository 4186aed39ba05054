import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ModuleError, parseJsonText, type JsonRecord } from '@pypeline/sdk';

/** `auto`: an array when the first non-blank character is `[`. */
export async function detectFormat(path: string): Promise<'jsonl' | 'array'> {
  const handle = await open(path);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.startsWith('[') ? 'array' : 'jsonl';
  } finally {
    await handle.close();
  }
}

/** One object per non-blank line, streamed. */
export async function* jsonLines(path: string, signal?: AbortSignal): AsyncGenerator<JsonRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n++;
    signal?.throwIfAborted();
    const line = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = parseJsonText(line);
    } catch (error) {
      throw new ModuleError(`${path}: line ${n} is not valid JSON: ${(error as Error).message}`, {
        retryable: false,
        hint: 'JSON Lines has one complete JSON object per line; for a file holding one JSON array set format: array',
      });
    }
    yield { value: asObject(path, value, `line ${n}`), at: `line ${n}` };
  }
}

/** The elements of a file holding one JSON array (read whole: the parser needs all of it). */
export async function* jsonArray(path: string): AsyncGenerator<JsonRecord> {
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (error) {
    throw new ModuleError(`${path} is not valid JSON: ${(error as Error).message}`, {
      retryable: false,
      hint: 'for one JSON object per line set format: jsonl',
    });
  }
  if (!Array.isArray(value)) {
    throw new ModuleError(`${path} holds ${describe(value)}, not an array of objects`, { retryable: false, hint: 'write the rows as [{...}, {...}], or one object per line with format: jsonl' });
  }
  for (let i = 0; i < value.length; i++) yield { value: asObject(path, value[i], `element ${i + 1}`), at: `element ${i + 1}` };
}

function asObject(path: string, value: unknown, at: string): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ModuleError(`${path}: ${at} is ${describe(value)}, not an object`, { retryable: false, hint: 'each row must be a JSON object such as {"id": 1, "name": "ann"}' });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
