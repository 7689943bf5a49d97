import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepScreenshot, launchChromium, startConsole } from '../helpers/console-browser.js';

// The console as a user sees it: `cto ui --simulate` in its own process (the real CLI, the real
// OpenAI SDK and Claude Code CLI against the local servers), driven in Debian's Chromium.
describe('the web console in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let ui: Awaited<ReturnType<typeof startConsole>>;
  let page: Page;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cto-console-'));
    // Opus may spend one token a day and waits for room: a task asked to run on opus stays in
    // `executing` until it is cancelled, whatever the machine's speed.
    writeFileSync(
      join(dir, 'orchestrator_config.json'),
      JSON.stringify({
        cost_optimization: {
          when_over_budget: 'wait',
          model_budget_per_day: { opus: { tokens: 1 } },
        },
      }),
    );
    ui = await startConsole(dir, { HOME: dir, CTO_SIMULATE: '1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A request to anywhere but the console would mean something came from the network.
    page.on('request', (request) => {
      if (!request.url().startsWith(ui.url)) throw new Error(`fetched ${request.url()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
  });

  it('submits a task through the form and watches it reach done without a reload', async () => {
    await page.goto(ui.url);
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    // Marks this page load: a reload would lose it.
    // In the page (a string: these tests are not typed against the DOM).
    await page.evaluate(`
      window.loadMark = 42;
      window.statesSeen = [];
      new MutationObserver(() => {
        for (const cell of document.querySelectorAll('[data-state]')) {
          const state = cell.getAttribute('data-state');
          if (window.statesSeen.at(-1) !== state) window.statesSeen.push(state);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    `);
    await page
      .getByRole('textbox', { name: 'Task', exact: true })
      .fill('Add a --json flag to the status command');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText('Submitted').waitFor();
    const row = page.locator('tr[data-task]').first();
    await row.locator('[data-state="done"]').waitFor({ timeout: 90_000 });
    const { mark, seen } = (await page.evaluate(
      '({ mark: window.loadMark, seen: window.statesSeen })',
    )) as {
      mark: number;
      seen: string[];
    };
    expect(mark).toBe(42);
    expect(seen[0]).toBe('classifying');
    expect(seen.at(-1)).toBe('done');
    expect(seen.length).toBeGreaterThanOrEqual(3); // classifying, at least one step, done
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('sonnet');
    await keepScreenshot(page, 'task-list');
  });

  it("shows the task's override, escalation, tool calls and reviews, lights its state and replays it", async () => {
    await page.locator('tr[data-task] a').first().click();
    await page.locator('[data-task-status="done"]').waitFor();
    const decisions = page.locator('ol.decisions');
    await expect(decisions.textContent()).resolves.toMatch(
      /cost-aware: simple coding moved from haiku to .*deepseek/,
    );
    await expect(decisions.textContent()).resolves.toMatch(/escalated to sonnet/);
    const first = page.locator('[data-attempt="1"]');
    expect(await first.locator('li[data-tool]').count()).toBeGreaterThan(0);
    await expect(first.locator('li[data-tool="write_file"]').textContent()).resolves.toMatch(/ok/);
    await expect(first.locator('[data-review]').getAttribute('data-review')).resolves.toBe(
      'reject',
    );
    await expect(
      page.locator('[data-attempt="2"] [data-review]').getAttribute('data-review'),
    ).resolves.toBe('approve');
    await expect(
      page.locator('g[data-current="true"]').getAttribute('data-state-node'),
    ).resolves.toBe('done');
    await first.getByRole('button', { name: 'Show output' }).click();
    await first.locator('pre.output').waitFor();
    await keepScreenshot(page, 'task-page');

    await page.getByRole('button', { name: 'Replay step by step' }).click();
    await page.locator('[data-replay-step="1"]').waitFor();
    await expect(
      page.locator('g[data-current="true"]').getAttribute('data-state-node'),
    ).resolves.toBe('classifying');
    await page.getByRole('button', { name: 'Next ▶' }).click();
    await page.locator('[data-replay-step="2"]').waitFor();
    await expect(
      page.locator('g[data-current="true"]').getAttribute('data-state-node'),
    ).resolves.toBe('executing');
    await keepScreenshot(page, 'task-replay');
  });

  it('cancels a second task and shows it cancelled', async () => {
    await page.goto(`${ui.url}#/`);
    await page.getByRole('textbox', { name: 'Task', exact: true }).fill('Refactor the date parser');
    await page.locator('input[name="model"]').fill('opus');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText('Submitted').locator('a').click();
    await page.locator('[data-task-status="executing"]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel task' }).click();
    await page.locator('[data-task-status="cancelled"]').waitFor();
    await expect(page.locator('.outcome').textContent()).resolves.toMatch(/cancelled/);
    await keepScreenshot(page, 'task-cancelled');
    await page.goto(`${ui.url}#/`);
    await page.locator('tr[data-task] [data-state="cancelled"]').waitFor();
  });

  it('shows models, approval and quality, budgets today and cost per day', async () => {
    await page.goto(`${ui.url}#/models`);
    await page.locator('tr[data-model="deepseek"]').waitFor();
    await page.locator('tr[data-performance="deepseek/coding"]').waitFor();
    await expect(
      page.locator('tr[data-performance="deepseek/coding"] td').nth(3).textContent(),
    ).resolves.toBe('0%');
    await expect(
      page.locator('tr[data-performance="sonnet/coding"] td').nth(3).textContent(),
    ).resolves.toBe('100%');
    await page.locator('tr[data-budget="model:sonnet"]').waitFor();
    expect(await page.locator('canvas[aria-label="cost per day by model"]').count()).toBe(1);
    await keepScreenshot(page, 'models-and-money');
  });
});
