import type { ConfigEnvironment } from '../config/config-environment.js';

/** Everything a command reads from or writes to the outside world; tests pass their own. */
export interface CliIo extends ConfigEnvironment {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (a live view redraws one line; otherwise plain lines). */
  isTerminal?: boolean;
  /** Reads one line from the terminal (`cto inspect --step`); absent when there is none. */
  readLine?: () => Promise<string | null>;
  /** Reads all of standard input (`cto run -`); absent when there is none to read. */
  readStdin?: () => Promise<string>;
  /** Calls `handler` on SIGINT or SIGTERM until the returned function is called. */
  onSignal?: (handler: (signal: NodeJS.Signals) => void) => () => void;
}
