/**
 * Thrown by a command to end with a non-zero exit code; `lines` (if any) go to stderr. The
 * output the command already printed stays as it is.
 */
export class ExitCode extends Error {
  readonly code: number;
  readonly lines: string[];

  constructor(code: number, lines: string[] = []) {
    super(lines.join('\n') || `exit ${code}`);
    this.name = 'ExitCode';
    this.code = code;
    this.lines = lines;
  }
}
