import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startCtoProcess, until } from './cto-process.js';

/** Debian's Chromium: nothing downloads a browser build of its own. */
export const chromiumPath = process.env.CTO_CHROMIUM ?? '/usr/bin/chromium';

/** Where the browser tests keep their screenshots (a CI artifact; not committed). */
export const screenshotDirectory = join(
  import.meta.dirname,
  '..',
  '..',
  'test-artifacts',
  'console',
);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** A screenshot of the whole page, kept under test-artifacts/console/NAME.png. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDirectory, { recursive: true });
  const path = join(screenshotDirectory, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** `cto ui` in its own process, on a free port; resolves once it prints its address. */
export async function startConsole(cwd: string, env: Record<string, string>, ...argv: string[]) {
  const ui = startCtoProcess(cwd, env, 'ui', '--port', '0', ...argv);
  let exited = false;
  void ui.exited.then(() => {
    exited = true;
  });
  await until(
    () => exited || /console: open (\S+)/.test(ui.output.stderr),
    'cto ui to print its address',
    60_000,
  );
  const url = /console: open (\S+)/.exec(ui.output.stderr)?.[1];
  if (!url) throw new Error(`cto ui did not start: ${ui.output.stderr}`);
  return {
    url,
    output: ui.output,
    async stop() {
      ui.child.kill('SIGTERM');
      // A task still running is cut short by the second signal.
      const again = setTimeout(() => ui.child.kill('SIGTERM'), 5_000);
      await ui.exited;
      clearTimeout(again);
    },
  };
}
