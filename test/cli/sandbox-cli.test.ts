import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

// What the command line says about confinement, and the options that set it.
describe('the sandbox on the command line', () => {
  it('cto status names the sandbox and the network tools get', async () => {
    const sandbox = createSandbox();
    const { code, stdout } = await sandbox.cli('status');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sandbox: bubblewrap \d[\d.]*; tool network: none$/m);
    const json = JSON.parse((await sandbox.cli('status', '--json')).stdout);
    expect(json.sandbox).toEqual({
      state: 'confined',
      detail: expect.stringMatching(/^bubblewrap/),
      network: 'none',
    });
  });

  it('warns at every run, and in cto status, when the configuration turns confinement off', async () => {
    const sandbox = createSandbox({ CTO_SIMULATE: '1' });
    sandbox.write('orchestrator_config.json', { sandbox: { enabled: false } });
    const run = await sandbox.cli(
      'run',
      'Research vector databases',
      '--type',
      'research',
      '--json',
    );
    expect(run.code).toBe(0);
    const status = await sandbox.cli('status');
    expect(status.stdout).toMatch(/^sandbox: OFF: off \(sandbox.enabled is false\)/m);
    // A real run (not simulated) warns before anything starts: here, a resume with nothing to do.
    const real = createSandbox();
    real.write('orchestrator_config.json', { cto_model: 'sonnet', sandbox: { enabled: false } });
    const resumed = await real.cli('resume');
    expect(resumed.stdout).toBe('nothing to resume\n');
    expect(resumed.stderr.split('\n')[0]).toBe(
      'cto: warning: sandbox off (sandbox.enabled is false): tool commands run unconfined, with your permissions',
    );
  }, 60_000);

  it('takes --network none, host or a list of hosts for a task, and names a bad one in one line', async () => {
    const sandbox = createSandbox();
    const bad = await sandbox.cli('submit', 'x', '--network', 'http://example.com');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      '--network http://example.com: expected "host" or "host:port" (a host name, localhost or 127.0.0.1)\n',
    );
    const good = await sandbox.cli(
      'submit',
      'Fetch the deps',
      '--network',
      'registry.npmjs.org,127.0.0.1:4873',
      '--json',
    );
    expect(good.code).toBe(0);
    const id = JSON.parse(good.stdout).id;
    const task = JSON.parse((await sandbox.cli('status', id, '--json')).stdout);
    expect(task.context.input.network).toEqual({ allow: ['registry.npmjs.org', '127.0.0.1:4873'] });
  });

  it('validates the sandbox section like the rest of the configuration, typos named', async () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', {
      sandbox: {
        netwrok: 'host',
        limits: { processes: 0 },
        models: { deepseek: { network: 'internet' } },
      },
    });
    const { code, stdout, stderr } = await sandbox.cli('config', 'validate');
    expect(code).toBe(1);
    const said = stdout + stderr;
    expect(said).toMatch(/sandbox\.netwrok.*network/);
    expect(said).toMatch(/sandbox\.limits\.processes: expected an integer from 1 to 100000/);
    expect(said).toMatch(/sandbox\.models\.deepseek\.network/);
  });
});
