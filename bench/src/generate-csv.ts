import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { seededRandom } from '@pypeline/test-services';

const FIRST = ['Ada', 'Bob', 'Chloé', 'Dee', 'Eve', 'Finn', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lena', 'Max', 'Nia', 'Otto', 'Pia', 'Quinn', 'Rosa', 'Sam', 'Tess'];
const LAST = ['Smith', 'Jones', 'Müller', 'Garcia', 'Rossi', 'Kim', 'Novak', 'Silva', 'Berg', 'Ito', 'Khan', 'Moreau'];
/** Two-, three- and four-byte UTF-8 for the realistic variant. */
const WIDE = ['Żółć', 'Ørsted', 'Ελένη', 'Дмитрий', '李小龍', '山田 太郎', 'José 🙂', 'Nguyễn'];
const NICK = ['Ace', 'Doc', 'Bo', 'Ziggy', '🚀'];
const CATEGORIES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2020, 0, 1) / DAY_MS;

/** `plain`: the bench's own data (1 % of names quoted); `realistic`: most text quoted, with escaped quotes, delimiters, line breaks, multi-byte UTF-8 and empty fields. */
export type CsvVariant = 'plain' | 'realistic';

type Rand = () => number;
const pick = <T>(rand: Rand, xs: T[]) => xs[Math.floor(rand() * xs.length)];

function plainName(rand: Rand): string {
  return rand() < 0.01 ? `"${pick(rand, LAST)}, ${pick(rand, FIRST)}"` : `${pick(rand, FIRST)} ${pick(rand, LAST)}`;
}

/**
 * About 60 % quoted: `"Last, First"`, `"First ""Nick"" Last"`, wide characters, a line break
 * now and then; 3 % empty (null). An unquoted empty field only: DuckDB's read_csv turns a
 * quoted empty field into NULL by default, csv_source into an empty string.
 */
function realisticName(rand: Rand): string {
  const r = rand();
  if (r < 0.03) return '';
  if (r < 0.4) return `${pick(rand, FIRST)} ${pick(rand, LAST)}`;
  if (r < 0.6) return `"${pick(rand, LAST)}, ${pick(rand, FIRST)}"`;
  if (r < 0.8) return `"${pick(rand, FIRST)} ""${pick(rand, NICK)}"" ${pick(rand, LAST)}"`;
  if (r < 0.999) return `"${pick(rand, WIDE)}, ${pick(rand, rand() < 0.5 ? FIRST : WIDE)}"`;
  return `"${pick(rand, FIRST)} ${pick(rand, LAST)}\nc/o ""${pick(rand, WIDE)}"", ${pick(rand, LAST)}"`;
}

/** `id,name,age,amount,category,created`: about 48 bytes a row. */
function* lines(rows: number, seed: number, variant: CsvVariant): Generator<string> {
  const rand = seededRandom(seed);
  const realistic = variant === 'realistic';
  const dates = Array.from({ length: 6 * 365 }, (_, d) => new Date((FIRST_DAY + d) * DAY_MS).toISOString().slice(0, 10));
  let chunk: string[] = ['id,name,age,amount,category,created'];
  for (let id = 1; id <= rows; id++) {
    const name = realistic ? realisticName(rand) : plainName(rand);
    const age = Math.floor(rand() * 90);
    let amount = (Math.floor(rand() * 10_000_000) / 100).toFixed(2);
    let category = pick(rand, CATEGORIES);
    if (realistic) {
      const r = rand();
      if (r < 0.02) amount = '';
      else if (r < 0.04) category = '';
      else if (r < 0.34) category = `"${category}"`;
    }
    chunk.push(`${id},${name},${age},${amount},${category},${pick(rand, dates)}`);
    if (chunk.length === 10_000) {
      yield chunk.join('\n') + '\n';
      chunk = [];
    }
  }
  if (chunk.length) yield chunk.join('\n') + '\n';
}

/** Writes the bench CSV once per (variant, rows, seed) and reuses it afterwards; returns its path and size. */
export async function generateCsv(dir: string, rows: number, seed = 42, variant: CsvVariant = 'plain'): Promise<{ path: string; bytes: number }> {
  const path = join(dir, `${variant === 'plain' ? 'people' : 'people-realistic'}-${rows}-${seed}.csv`);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.partial`;
    const out = createWriteStream(temp);
    for (const text of lines(rows, seed, variant)) if (!out.write(text)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    renameSync(temp, path);
  }
  return { path, bytes: statSync(path).size };
}
