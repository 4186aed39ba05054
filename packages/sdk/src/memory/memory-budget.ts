import { totalmem } from 'node:os';

const MIB = 1024 * 1024;
const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: MIB, gib: 1024 * MIB, tib: 1024 * 1024 * MIB };

/** The text form `settings.spill.memory_budget` takes, for messages and the flow schema. */
export const BYTE_SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([kKmMgGtT]i?)?[bB]?\\s*$';

/**
 * `"256MB"`, `"1.5 GiB"`, `"512k"` or a number of bytes → bytes; undefined when the text is not
 * a size. Units: B, KB/MB/GB/TB (powers of 1000), KiB/MiB/GiB/TiB (powers of 1024); a unit
 * without B (`256M`) means the same as with it.
 */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = m[2] ? `${m[2].toLowerCase()}b` : 'b';
  return Math.floor(Number(m[1]) * UNITS[unit]);
}

/**
 * The memory budget of one out-of-core operator when `settings.spill.memory_budget` is unset:
 * 1/16 of the memory the process may use (`usableMemory`), at least 16 MiB and at most 128 MiB.
 * The cap keeps the promise that a 50 M-row sort, group-by or join peaks under 1.5 GB: with
 * 1 GiB the 50 M-row sort peaked at 2.5 GiB (2026-12-08), while a 5 M-row join would have
 * held its right side in memory (1.44x DuckDB's time instead of 1.97x). A flow that has the
 * memory sets `settings.spill.memory_budget`.
 */
export function defaultMemoryBudget(total = usableMemory()): number {
  return Math.min(128 * MIB, Math.max(16 * MIB, Math.floor(total / 16)));
}

/**
 * The machine's memory, or the container's limit when the process runs under a lower one
 * (cgroups: `process.constrainedMemory()`, which reports no limit as 0 or a huge number).
 */
export function usableMemory(total = totalmem(), constrained = process.constrainedMemory()): number {
  return constrained > 0 && constrained < total ? constrained : total;
}
