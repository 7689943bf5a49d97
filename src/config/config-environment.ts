import { homedir } from 'node:os';

/**
 * What configuration loading reads from outside the files: environment variables, the working
 * directory and the home directory. Tests pass their own; the CLI passes the process's.
 */
export interface ConfigEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  homeDir: string;
}

/** The running process's environment, working directory and home. */
export function processEnvironment(): ConfigEnvironment {
  return { env: process.env, cwd: process.cwd(), homeDir: homedir() };
}
