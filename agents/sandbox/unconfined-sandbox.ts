import type { Sandbox } from './sandbox.js';
import type { ProtectedPaths } from './task-root.js';

/**
 * No confinement: the command runs as it is, with the environment given and the user's own
 * home. For `sandbox.enabled: false` (warned at every run) and for `--simulate` on a machine
 * without a sandbox, whose tool calls are the simulation's own.
 *
 * @example
 * const prepared = await createUnconfinedSandbox(protect).prepare(command); // prepared.file === command.file
 */
export function createUnconfinedSandbox(protect: () => ProtectedPaths): Sandbox {
  return {
    kind: 'unconfined',
    protect,
    async prepare(command) {
      return {
        file: command.file,
        args: [...command.args],
        env: { ...command.env, HOME: protect().home },
        async dispose() {},
      };
    },
  };
}
