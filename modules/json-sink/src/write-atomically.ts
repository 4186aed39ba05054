import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';

/**
 * Streams `chunks` into a temp file beside `path`, then renames it over `path`: readers see the
 * old file or the complete new one, never a partial one, and a failure leaves no temp file.
 */
export async function writeAtomically(path: string, chunks: AsyncIterable<string>): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const out = createWriteStream(temp, { flags: 'wx' });
  let bytes = 0;
  try {
    await once(out, 'open');
    for await (const chunk of chunks) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await rename(temp, path);
    return bytes;
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}
