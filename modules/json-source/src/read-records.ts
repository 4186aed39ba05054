import { createInterface } from 'node:readline';
import type { InputFile } from '@pypeline/object-store';
import { ModuleError, parseJsonText, type JsonRecord } from '@pypeline/sdk';

/** `auto`: an array when the first non-blank character is `[`. */
export async function detectFormat(input: InputFile): Promise<'jsonl' | 'array'> {
  const reader = await input.reader();
  try {
    const buffer = Buffer.alloc(4096);
    const bytesRead = await reader.read(buffer, 0, buffer.length);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.startsWith('[') ? 'array' : 'jsonl';
  } finally {
    await reader.close();
  }
}

/** One object per non-blank line, streamed. */
export async function* jsonLines(input: InputFile, signal?: AbortSignal): AsyncGenerator<JsonRecord> {
  const path = input.path;
  const stream = input.stream().setEncoding('utf8');
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
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
export async function* jsonArray(input: InputFile): AsyncGenerator<JsonRecord> {
  const path = input.path;
  let text = '';
  for await (const chunk of input.stream().setEncoding('utf8')) text += chunk as string;
  text = text.replace(/^\uFEFF/, '');
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
