import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { homedir } from 'node:os';
import nodePlop from 'node-plop';
import { discoverProject, InternalError, PypeError } from '@pypeline/core';
import { findMonorepoRoot } from './find-monorepo.js';
import { scaffoldVersions, templatesDir } from './locate-templates.js';
import { DEFAULT_CATEGORY, packageNameFor, toModuleNames, typeFromName, type ModuleType } from './module-names.js';
import { packageFields } from './package-fields.js';

export interface ScaffoldOptions {
  name: string;
  type?: ModuleType;
  category?: string;
  description?: string;
  /** The package folder to create. Default: <repo>/modules/<kebab>, or ./pypeline-mod-<kebab>. */
  dir?: string;
  /** npm scope of a standalone package, e.g. @acme. */
  scope?: string;
  /** Create a standalone package even inside the PYpeline repository. */
  standalone?: boolean;
  /** Create it even when an installed module already has the name (flows must then name `package:`). */
  allowClash?: boolean;
  cwd: string;
}

export interface ScaffoldResult {
  dir: string;
  packageName: string;
  moduleName: string;
  type: ModuleType;
  /** The repository root when the package was created inside it. */
  monorepoRoot?: string;
  /** Every file written, absolute. */
  files: string[];
}

/** `acme_csv_source` for `@acme` and `csv_source`; `my_csv_source` without a scope. */
function prefixed(scope: string | undefined, snake: string): string {
  const prefix = scope?.replace(/^@/, '').replace(/[^a-z0-9]+/gi, '_').toLowerCase() || 'my';
  return `${prefix}_${snake}`;
}

/** `pype new-module`: renders templates/module through plop into a new package folder. */
export async function scaffoldModule(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const names = toModuleNames(options.name);
  const type = options.type ?? typeFromName(names.snake);
  const explicitDir = options.dir ? resolve(options.cwd, options.dir) : undefined;
  const root = options.standalone ? undefined : findMonorepoRoot(explicitDir ?? options.cwd);
  const packageName = packageNameFor(names, root !== undefined, options.scope);
  const dir = explicitDir ?? (root ? join(root, 'modules', names.kebab) : join(options.cwd, packageName.replace(/^@[^/]+\//, '')));
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new PypeError(`${dir} already exists and is not empty`, { hint: 'choose another name, or pass --dir <new folder>' });
  }
  const taken = options.allowClash ? undefined : discoverProject(root ?? options.cwd).entries.find((e) => e.name === names.snake);
  if (taken) {
    throw new PypeError(`module name "${names.snake}" is taken: ${taken.package}@${taken.version} is installed here, and every flow naming ${names.snake} would have to add \`package:\` to choose between the two`, {
      hint: `give it a name of its own, e.g. ${prefixed(options.scope, names.snake)} (--scope changes the package name, not the module name), or pass --allow-clash to shadow ${taken.package} on purpose`,
    });
  }
  const templates = templatesDir();
  const answers = {
    dir,
    monorepo: root !== undefined,
    snake: names.snake,
    kebab: names.kebab,
    type,
    packageName,
    category: options.category ?? DEFAULT_CATEGORY[type],
    description: options.description ?? `TODO: say in one sentence what ${names.snake} does`,
    tsconfigBase: root ? posix(relative(dir, join(root, 'tsconfig.base.json'))) : undefined,
    changesetDir: root ? join(root, '.changeset') : join(dir, '.changeset'),
    ...packageFields(type, root !== undefined, scaffoldVersions(templates)),
  };
  const plop = await nodePlop(join(templates, 'plopfile.js'), { destBasePath: dir, force: false });
  const { failures } = await plop.getGenerator('module').runActions(answers);
  if (failures.length) {
    throw new InternalError(`scaffolding ${packageName} failed: ${failures.map((f) => `${f.path || f.type}: ${f.error}`).join('; ')}`);
  }
  tidyPackageJson(join(dir, 'package.json'));
  if (!root) inheritNpmrc(dirname(dir), dir);
  const files = [...filesUnder(dir), ...(root ? [join(answers.changesetDir, `${names.kebab}-initial.md`)] : [])];
  return { dir, packageName, moduleName: names.snake, type, monorepoRoot: root, files };
}

/**
 * A standalone package made inside a project gets the project's registry settings: npm reads
 * only the .npmrc beside the nearest package.json, which is now the module's own. Credentials
 * stay where they are (npm finds them in the user's ~/.npmrc or the project's).
 */
function inheritNpmrc(from: string, dir: string): void {
  for (let folder = resolve(from); ; folder = dirname(folder)) {
    const rc = join(folder, '.npmrc');
    if (existsSync(rc) && folder !== homedir()) {
      const lines = readFileSync(rc, 'utf8').split('\n').filter((l) => l.trim() && !/_auth|_password|username|certfile|keyfile/i.test(l));
      if (lines.length) writeFileSync(join(dir, '.npmrc'), `# registry settings of ${rc} (credentials left there)\n${lines.join('\n')}\n`);
      return;
    }
    if (existsSync(join(folder, 'package.json')) || dirname(folder) === folder) return;
  }
}

// The template writes compact JSON; rewrite it as npm would and drop empty dependency maps.
function tidyPackageJson(file: string): void {
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  for (const key of ['dependencies', 'peerDependencies', 'devDependencies']) {
    if (Object.keys(pkg[key] ?? {}).length === 0) delete pkg[key];
  }
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

function posix(path: string): string {
  return path.split(sep).join('/');
}
