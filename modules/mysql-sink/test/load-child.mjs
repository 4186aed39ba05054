// A process that runs one mysql_sink load, for the kill tests (src/kill.test.ts): the parent kills
// it at a moment it chooses. argv: JSON of { config, runId, rows }. Prints `loaded <n>` once the
// load's transaction has committed, then waits to be killed (a run that has not yet recorded it).
import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import mysqlSink from '../dist/index.js';

const { config, runId, rows } = JSON.parse(process.argv[2]);
function orders(n) {
  const ids = Array.from({ length: n }, (_, i) => i);
  return new Table({ id: vectorFromArray(ids, new Int32()), note: vectorFromArray(ids.map((i) => `order ${i}`), new Utf8()) });
}
const manifest = new URL('../pypeline.manifest.json', import.meta.url).pathname;
const ctx = createTestContext({ config, manifest, moduleId: 'load', runId });
await mysqlSink.run({ input: new MemoryArtifact(orders(rows)) }, ctx);
process.stdout.write(`loaded ${ctx.globals.get('row_count')}\n`);
setInterval(() => {}, 60_000);
