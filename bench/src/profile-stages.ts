import { pathToFileURL } from 'node:url';
import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { Piscina } from 'piscina';
import csvSource from '@pypeline/mod-csv-source';
import filterMod from '@pypeline/mod-filter-mod';
import parquetSink from '@pypeline/mod-parquet-sink';
import { defaultMemoryBudget, type Artifact, type ModuleContext, type ModuleOutputs, type WorkerPool } from '@pypeline/sdk';

export interface StageProfile {
  parseMs: number;
  parseFilterMs: number;
  allMs: number;
}

/**
 * Times the flow's modules in this process, cumulatively: parse only, parse + filter, and
 * parse + filter + write. Streaming overlaps the stages, so each stage's cost is the
 * difference it adds to the wall time (with the same worker pool the CLI would use).
 */
export async function profileStages(csv: string, out: string, threads: number): Promise<StageProfile> {
  const piscina = new Piscina({ maxThreads: threads, minThreads: threads, idleTimeout: 60_000 });
  const pool: WorkerPool = {
    size: threads,
    run: (payload, task) => piscina.run(payload, { filename: pathToFileURL(task.filename).href, name: task.name ?? 'default', transferList: task.transferList }),
  };
  try {
    const timed = async (stages: number) => {
      const t0 = performance.now();
      const source = (await csvSource.run({}, context(pool, { file_path: csv }))) as ModuleOutputs;
      let stream = artifact(source.data as AsyncIterable<RecordBatch> & { schema: Schema });
      if (stages >= 2) {
        const filtered = (await filterMod.run({ input: stream }, context(pool, { condition: 'age > 18' }))) as ModuleOutputs;
        stream = artifact(filtered.output as AsyncIterable<RecordBatch> & { schema: Schema });
      }
      if (stages >= 3) await parquetSink.run({ input: stream }, context(pool, { output_path: out }));
      else for await (const batch of stream.batches()) void batch;
      return performance.now() - t0;
    };
    await timed(1); // warm the pool's threads and the file cache
    return { parseMs: await timed(1), parseFilterMs: await timed(2), allMs: await timed(3) };
  } finally {
    await piscina.destroy();
  }
}

function artifact(stream: AsyncIterable<RecordBatch> & { schema: Schema }): Artifact {
  return {
    numRows: 0,
    uri: 'stream://bench',
    schema: stream.schema,
    table: () => Promise.reject(new Error('the bench reads streams only')) as Promise<Table>,
    batches: () => stream,
  };
}

function context<C>(pool: WorkerPool, config: C): ModuleContext<C> {
  const noop = () => {};
  return {
    runId: 'bench',
    nodeId: 'bench#0',
    moduleId: 'bench',
    frame: '0',
    iterIndex: 0,
    iterItem: undefined,
    config,
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    artifacts: { register: () => Promise.reject(new Error('not used')) },
    pool,
    signal: new AbortController().signal,
    memoryBudget: defaultMemoryBudget(),
    tempDir: () => {
      throw new Error('the profiled stages (csv_source, filter_mod, parquet_sink) never spill');
    },
    setGlobal: noop,
    getGlobal: () => undefined,
  } as ModuleContext<C>;
}
