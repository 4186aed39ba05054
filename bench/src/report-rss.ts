import { writeFileSync } from 'node:fs';

/**
 * Preloaded into each measured process (`node --import`): at exit it writes the process's peak
 * resident set (worker threads included, in bytes) and its CPU time (user + system, all
 * threads, in ms) as JSON to the file named by BENCH_RSS_FILE.
 */
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ peakRss: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
