import { MANIFEST_FILE } from './manifest.js';
import type { PackageInfo } from './read-package.js';

/** The package.json fields the registry discovers modules by; returns every problem with its fix. */
export function validatePackage(pkg: PackageInfo): string[] {
  const errors: string[] = [];
  if (!pkg.keywords.includes('pypeline-module')) {
    errors.push('package.json keywords lack "pypeline-module": add it so `pype auto-register` finds the package');
  }
  if (pkg.manifestField !== `./${MANIFEST_FILE}`) {
    errors.push(`package.json has no "pypeline": { "manifest": "./${MANIFEST_FILE}" }: add it so the registry reads the manifest without importing the module`);
  }
  return errors;
}
