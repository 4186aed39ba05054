import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { stateDirs } from '../testing/state-dirs.js';
import { FileIntake } from './file-intake.js';

const dirs = stateDirs('file-intake');
const dir = () => dirs.make();
afterEach(dirs.clean);

const segments = (at: string) => readdirSync(at).sort();

it('keeps records of every kind as they were appended, Buffers as Buffers, across a reopen', () => {
  const at = dir();
  const log = new FileIntake(at);
  const records = [{ t: 'a/b', p: Buffer.from('{"x":1}'), m: 7 }, 'text', 42, null, [1, 'two'], { nested: { deep: true } }];
  expect(log.append(records)).toBe(6);
  log.close();
  const again = new FileIntake(at);
  const { records: back, last } = again.read(0, 10);
  expect(last).toBe(6);
  expect(back).toEqual(records);
  expect(Buffer.isBuffer((back[0] as { p: unknown }).p)).toBe(true);
  again.close();
});

it('cuts a torn or corrupt tail off at the last whole frame, and numbers on from there', () => {
  const at = dir();
  const log = new FileIntake(at);
  log.append(['a', 'b']);
  log.append(['c']);
  const [file] = segments(at);
  const whole = statSync(join(at, file)).size;
  log.append(['d', 'e', 'f']);
  log.close();

  // A machine crash can leave part of the last frame: every length from 1 byte short to only its header's first byte.
  const full = readFileSync(join(at, file));
  for (const keep of [full.length - 1, whole + 25, whole + 20, whole + 3, whole + 1]) {
    writeFileSync(join(at, file), full.subarray(0, keep));
    const torn = new FileIntake(at);
    expect(torn.lastSeq()).toBe(3);
    expect(torn.cut.frames).toBe(1);
    expect(torn.read(0, 10)).toEqual({ records: ['a', 'b', 'c'], last: 3 });
    torn.close();
    expect(statSync(join(at, file)).size).toBe(whole); // the torn bytes are gone from disk
  }

  // A frame whose bytes changed (its CRC no longer matches) is cut, with everything after it.
  writeFileSync(join(at, file), full);
  const bad = Buffer.from(full);
  bad[whole + 22] ^= 0xff;
  writeFileSync(join(at, file), bad);
  const corrupt = new FileIntake(at);
  expect(corrupt.lastSeq()).toBe(3);
  expect(corrupt.append(['x'])).toBe(4);
  expect(corrupt.read(2, 10)).toEqual({ records: ['c', 'x'], last: 4 });
  corrupt.close();

  // Zeros at the end (a file extended but not written before a crash) are not a frame either.
  appendFileSync(join(at, file), Buffer.alloc(64));
  const zeros = new FileIntake(at);
  expect(zeros.lastSeq()).toBe(4);
  expect(zeros.read(0, 10).records).toEqual(['a', 'b', 'c', 'x']);
  zeros.close();
});

it('rolls to a new segment past its size; trims whole segments; keeps the numbering with nothing left', () => {
  const at = dir();
  const log = new FileIntake(at, 200);
  const text = (i: number) => `record ${i} ${'.'.repeat(40)}`;
  for (let i = 1; i <= 30; i += 3) log.append([text(i), text(i + 1), text(i + 2)]);
  expect(log.lastSeq()).toBe(30);
  const before = segments(at);
  expect(before.length).toBeGreaterThan(3);
  // Reads cross segments and start and end inside frames.
  expect(log.read(4, 20)).toEqual({ records: Array.from({ length: 20 }, (_, i) => text(i + 5)), last: 24 });

  log.trim(17);
  const after = segments(at);
  expect(after.length).toBeLessThan(before.length);
  // What is left still holds everything after 17, and only whole segments went.
  expect(log.read(17, 100)).toEqual({ records: Array.from({ length: 13 }, (_, i) => text(i + 18)), last: 30 });
  expect(Number(after[0].slice(0, -4))).toBeLessThanOrEqual(18);
  log.close();

  const reopened = new FileIntake(at, 200);
  expect(reopened.read(17, 100).records).toHaveLength(13);
  reopened.trim(30); // all consumed: one empty segment keeps the number
  expect(segments(at)).toEqual(['0000000000000031.log']);
  expect(statSync(join(at, '0000000000000031.log')).size).toBe(0);
  reopened.close();

  const empty = new FileIntake(at, 200);
  expect(empty.lastSeq()).toBe(30);
  expect(empty.read(0, 10)).toEqual({ records: [], last: 0 });
  expect(empty.append(['next'])).toBe(31);
  expect(empty.read(30, 10)).toEqual({ records: ['next'], last: 31 });
  empty.close();
});

it('skipTo numbers on from a later number, also after a reopen', () => {
  const at = dir();
  const log = new FileIntake(at);
  log.append(['a', 'b']);
  log.skipTo(1); // behind: nothing changes
  expect(log.lastSeq()).toBe(2);
  log.skipTo(10);
  expect(log.append(['k'])).toBe(11);
  log.close();
  const again = new FileIntake(at);
  expect(again.lastSeq()).toBe(11);
  expect(again.read(0, 10)).toEqual({ records: ['a', 'b', 'k'], last: 11 });
  expect(again.read(2, 10)).toEqual({ records: ['k'], last: 11 });
  again.trim(11);
  again.close();
  expect(new FileIntake(at).lastSeq()).toBe(11);
});

/** The built log (the suite runs after the build), appending groups of 1-20 records until killed. */
const DIST = fileURLToPath(new URL('../../dist/state/file-intake.js', import.meta.url));
const CHILD = `
  const { FileIntake } = await import(${JSON.stringify(DIST)});
  const log = new FileIntake(process.argv[1]);
  let n = 0;
  for (let g = 0; ; g++) {
    const group = [];
    for (let k = 0; k < 1 + (g * 7) % 20; k++) { n++; group.push({ n, p: Buffer.from('payload ' + n) }); }
    const last = log.append(group);
    if (last !== n) throw new Error('numbered ' + last + ', expected ' + n);
    // Waits while the pipe is full: a loop that never yields would only queue its lines.
    if (!process.stdout.write(last + '\\n')) await new Promise((r) => process.stdout.once('drain', r));
  }
`;

it('a process killed while appending leaves every record it had appended, whole and in order', { timeout: 120_000 }, async () => {
  // The child appends groups of 1-20 records as fast as it can and prints each group's last
  // number once append returned (what a source acknowledges); it is SIGKILLed mid-stream.
  for (const killAfter of [50, 400, 3000]) {
    const at = dir();
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, join(at, 'log')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const acked = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the child printed ${out.split('\n').length - 1} lines in 60 s: ${err}`));
      }, 60_000);
      child.stdout!.on('data', (d) => {
        out += d;
        const lines = out.split('\n').filter(Boolean);
        if (lines.length >= killAfter) {
          child.kill('SIGKILL');
          clearTimeout(timer);
          resolve(Number(lines[lines.length - 1]));
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`the child exited with ${code}: ${err}`));
      });
    });
    await new Promise((r) => child.once('close', r));
    const log = new FileIntake(join(at, 'log'));
    expect(log.lastSeq()).toBeGreaterThanOrEqual(acked);
    const { records, last } = log.read(0, Number.MAX_SAFE_INTEGER);
    expect(last).toBe(log.lastSeq());
    // Record n is the object the child built for number n: nothing lost, torn or out of order.
    expect(records).toHaveLength(last);
    records.forEach((r, i) => expect(r).toEqual({ n: i + 1, p: Buffer.from(`payload ${i + 1}`) }));
    expect(log.append([{ n: last + 1 }])).toBe(last + 1);
    log.close();
  }
});

it('an append the disk refuses throws, numbers nothing and leaves the log as it was', () => {
  const at = dir();
  const log = new FileIntake(at);
  expect(log.append(['a'])).toBe(1);
  log.trim(1); // a checkpoint consumed it all: an empty segment, 2, takes over
  log.close();
  // That segment becomes /dev/full: every write to it fails with ENOSPC, as on a full disk.
  expect(readdirSync(at)).toEqual(['0000000000000002.log']);
  rmSync(join(at, '0000000000000002.log'));
  symlinkSync('/dev/full', join(at, '0000000000000002.log'));
  const refusing = new FileIntake(at);
  expect(refusing.lastSeq()).toBe(1);
  expect(() => refusing.append(['b', 'c'])).toThrow(/ENOSPC/);
  expect(refusing.lastSeq()).toBe(1);
  expect(refusing.read(1, 10)).toEqual({ records: [], last: 1 });
  refusing.close();
});
