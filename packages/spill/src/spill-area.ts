import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** One operator's folder of spill files inside the run's temp area; `remove()` deletes it all. */
export class SpillArea {
  private count = 0;

  private constructor(readonly dir: string) {}

  /** Makes `<tempDir>/<label>-XXXXXX`. */
  static open(tempDir: string | (() => string), label: string): SpillArea {
    return new SpillArea(mkdtempSync(join(typeof tempDir === 'string' ? tempDir : tempDir(), `${label}-`)));
  }

  /** A fresh file path in the area (the file is not created). */
  file(name: string): string {
    return join(this.dir, `${++this.count}-${name}.arrows`);
  }

  /** A fresh sub area, for a nested spill (a partition split again). */
  sub(label: string): SpillArea {
    return SpillArea.open(this.dir, label);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
