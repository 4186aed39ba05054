import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Preloaded into each measured process (`node --import`): at exit it writes the process's peak
 * resident set (worker threads included, in bytes) and its CPU time (user + system, all
 * threads, in ms) as JSON to the file named by BENCH_RSS_FILE.
 *
 * The peak comes from Linux's VmHWM (the high-water mark of this process's own address space,
 * which starts afresh at exec). `getrusage`'s maxRSS is not used where VmHWM exists: Linux
 * carries it over from the forked parent across exec, so a child of a bench process that had
 * grown to 960 MiB reported 960 MiB whatever it used itself.
 */
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ peakRss: ownPeakRss() ?? usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}

function ownPeakRss(): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
