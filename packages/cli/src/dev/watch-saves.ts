import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/**
 * Reports saves of files and folders, debounced: editors write a file in several steps (truncate
 * and write, or a temp file renamed over it), and a build writes many files, so `onSaves` gets
 * the tags of everything saved once no event came for `debounceMs`.
 *
 * A file is watched through its folder, so a save that replaces the file (a rename over it, as
 * vim and many IDEs do) is seen as well as one that rewrites it in place.
 */
export class SaveWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onSaves: (tags: string[]) => void,
    private readonly debounceMs = 200,
  ) {}

  /** Watches one file; its saves are reported with `tag`. */
  file(path: string, tag: string): void {
    const name = basename(path);
    this.add(`file:${resolve(path)}`, dirname(resolve(path)), false, (f) => f === name, tag);
  }

  /** Watches the files under a folder, but what builds and installs write there; their saves are reported with `tag`. */
  tree(dir: string, tag: string): void {
    this.add(`tree:${resolve(dir)}`, resolve(dir), true, isSource, tag);
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private add(key: string, dir: string, recursive: boolean, accept: (file: string) => boolean, tag: string): void {
    if (this.watchers.has(key)) return;
    const watcher = watch(dir, { recursive }, (_event, file) => {
      // Some platforms omit the name; a save in the folder then counts.
      if (file === null || accept(file.toString())) this.saved(tag);
    });
    watcher.on('error', () => this.saved(tag)); // the folder went away or was replaced: look again
    this.watchers.set(key, watcher);
  }

  private saved(tag: string): void {
    this.pending.add(tag);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const tags = [...this.pending];
      this.pending = new Set();
      this.onSaves(tags);
    }, this.debounceMs);
  }
}

/** Not a dot file, an install, a build's output or a generated module manifest and factory. */
function isSource(file: string): boolean {
  const parts = file.split(/[\\/]/);
  const name = parts[parts.length - 1];
  return !parts.some((p) => p.startsWith('.') || p === 'node_modules' || p === 'dist') && !name.startsWith('pypeline.') && !name.endsWith('.tsbuildinfo');
}
