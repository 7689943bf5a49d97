import type { ConfigEnvironment } from '../config/config-environment.js';

/** Everything a command reads from or writes to the outside world; tests pass their own. */
export interface CliIo extends ConfigEnvironment {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
