import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run("SET TimeZone='UTC'");
for (const q of process.argv.slice(2)) { const r = await c.runAndReadAll(q); console.log(r.columnNames().join('|')); for (const row of r.getRowsJS()) console.log(row.map(v => typeof v === 'object' && v !== null ? JSON.stringify(v, (k,x)=> typeof x === 'bigint' ? x.toString() : x) : String(v)).join(' | ')); }
