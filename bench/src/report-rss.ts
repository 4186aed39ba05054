import { writeFileSync } from 'node:fs';

/**
 * Preloaded into each measured process (`node --import`): at exit it writes the process's peak
 * resident set (worker threads included, in bytes) to the file named by BENCH_RSS_FILE.
 */
const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
