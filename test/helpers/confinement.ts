import { join } from 'node:path';
import { findOnPath } from '../../agents/find-executable.js';
import { createBubblewrapSandbox } from '../../agents/sandbox/bubblewrap-sandbox.js';
import type { Confinement } from '../../agents/sandbox/run-confined.js';
import { sandboxEnvironment } from '../../agents/sandbox/sandbox-environment.js';
import type { NetworkAccess } from '../../machines/network-access.js';
import { defaultConfig } from '../../src/config/default-config.js';
import type { SandboxLimits } from '../../src/config/sandbox-settings-schema.js';

/** The machine's bubblewrap: `.ci/run` installs it, and these tests need the real thing. */
export function bwrapPath(): string {
  const found = findOnPath('bwrap', process.env.PATH) ?? findOnPath('bwrap', '/usr/bin');
  if (!found) throw new Error('these tests need bubblewrap: apt-get install bubblewrap');
  return found;
}

export interface TestConfinementOptions {
  /** The user's home, kept from every task. */
  home: string;
  /** Paths hidden inside a task directory (a state directory). */
  hidden?: string[];
  network?: NetworkAccess;
  limits?: SandboxLimits;
  /** The orchestrator's environment the sandbox's variables are picked from. */
  env?: Record<string, string | undefined>;
}

/**
 * A confinement with the real bubblewrap sandbox, as the runtime builds it: `~/agents` is a
 * secret, `hidden` is hidden, and the environment comes from the allowlist.
 */
export function testConfinement(options: TestConfinementOptions): Confinement {
  const protect = () => ({
    home: options.home,
    secrets: [join(options.home, 'agents'), join(options.home, '.ssh')],
    hidden: options.hidden ?? [],
  });
  return {
    sandbox: createBubblewrapSandbox({ bwrap: bwrapPath(), protect }),
    env: sandboxEnvironment(
      { env: {}, pass_env: [], read_only_paths: [] },
      options.env ?? process.env,
    ),
    network: options.network ?? 'none',
    limits: { ...defaultConfig().sandbox.limits, ...options.limits },
    readOnly: [],
  };
}
