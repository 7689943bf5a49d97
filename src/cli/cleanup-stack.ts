/**
 * What a command opened (servers, a store, an inspector), closed in reverse order, every one
 * of them whatever another's close did: one step that fails or throws must not leave a server
 * listening, which would keep the process alive after its last line.
 *
 * @example
 * const cleanup = new CleanupStack();
 * const server = await startServer();
 * cleanup.push('the local server', () => server.close());
 * … finally { await cleanup.closeAll(); }
 */
export class CleanupStack {
  private readonly steps: { what: string; close: () => unknown }[] = [];

  push(what: string, close: () => unknown): void {
    this.steps.push({ what, close });
  }

  /** Closes everything pushed, last first; resolves with the failures, one line each. */
  async closeAll(): Promise<string[]> {
    const failures: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.close();
      } catch (error) {
        failures.push(`${step.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }
}
