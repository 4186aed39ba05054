import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { seededRandom } from '@pypeline/test-services';

const FIRST = ['Ada', 'Bob', 'Chloé', 'Dee', 'Eve', 'Finn', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lena', 'Max', 'Nia', 'Otto', 'Pia', 'Quinn', 'Rosa', 'Sam', 'Tess'];
const LAST = ['Smith', 'Jones', 'Müller', 'Garcia', 'Rossi', 'Kim', 'Novak', 'Silva', 'Berg', 'Ito', 'Khan', 'Moreau'];
const CATEGORIES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2020, 0, 1) / DAY_MS;

/** `id,name,age,amount,category,created`: about 48 bytes a row. Quoted names carry a comma now and then. */
function* lines(rows: number, seed: number): Generator<string> {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const dates = Array.from({ length: 6 * 365 }, (_, d) => new Date((FIRST_DAY + d) * DAY_MS).toISOString().slice(0, 10));
  let chunk: string[] = ['id,name,age,amount,category,created'];
  for (let id = 1; id <= rows; id++) {
    const name = rand() < 0.01 ? `"${pick(LAST)}, ${pick(FIRST)}"` : `${pick(FIRST)} ${pick(LAST)}`;
    const age = Math.floor(rand() * 90);
    const amount = (Math.floor(rand() * 10_000_000) / 100).toFixed(2);
    chunk.push(`${id},${name},${age},${amount},${pick(CATEGORIES)},${pick(dates)}`);
    if (chunk.length === 10_000) {
      yield chunk.join('\n') + '\n';
      chunk = [];
    }
  }
  if (chunk.length) yield chunk.join('\n') + '\n';
}

/** Writes the bench CSV once per (rows, seed) and reuses it afterwards; returns its path and size. */
export async function generateCsv(dir: string, rows: number, seed = 42): Promise<{ path: string; bytes: number }> {
  const path = join(dir, `people-${rows}-${seed}.csv`);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.partial`;
    const out = createWriteStream(temp);
    for (const text of lines(rows, seed)) if (!out.write(text)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    renameSync(temp, path);
  }
  return { path, bytes: statSync(path).size };
}
