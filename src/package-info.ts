import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  root: string;
  version: string;
}

/** This package's manifest, found by walking up from this file (src/ under tsx, dist/ built). */
function manifest(): Manifest | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (json.name === 'cto-orchestrator' && json.version)
        return { root: dir, version: json.version };
    } catch {
      // Not here: keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * This package's version.
 *
 * @example
 * packageVersion(); // '0.1.0'
 */
export function packageVersion(): string {
  return manifest()?.version ?? '0.0.0';
}

/**
 * The directory this package is installed in (where its node_modules are).
 *
 * @example
 * join(packageRoot(), 'node_modules', '.bin', 'claude');
 */
export function packageRoot(): string {
  return manifest()?.root ?? process.cwd();
}
