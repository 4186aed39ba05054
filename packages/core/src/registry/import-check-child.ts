// The child of checkModuleImports: imports each module entry it is sent, one at a time, and
// answers over IPC, so a package whose code exits, hangs or corrupts the process on import
// takes down this child, not the CLI.
import { importModule, ModuleImportError } from './import-module.js';

interface Job { key: string; file: string; pkg: string; version: string }

process.on('message', (job: Job) => {
  void (async () => {
    try {
      await importModule(job.file, job.pkg, job.version);
      process.send?.({ key: job.key });
    } catch (err) {
      const e = err instanceof ModuleImportError ? err : new ModuleImportError(job.pkg, `${job.pkg}@${job.version}: ${String(err)}`, `fix or reinstall ${job.pkg}`);
      process.send?.({ key: job.key, message: e.message, hint: e.hint });
    }
  })();
});
process.send?.({ ready: true });
