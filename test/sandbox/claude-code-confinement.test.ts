import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelPorts } from '../../agents/create-model-ports.js';
import { expectNoProcessWith } from '../helpers/host-processes.js';
import { claudeEnv, executeCall, providerServers } from '../helpers/test-models.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** The text of every tool result the CLI sent back to the model. */
function toolResults(bodies: unknown[]): string {
  return JSON.stringify(
    bodies.flatMap((body) =>
      ((body as { messages?: { content?: unknown }[] }).messages ?? []).flatMap((message) =>
        Array.isArray(message.content)
          ? message.content.filter((block) => (block as { type?: string }).type === 'tool_result')
          : [],
      ),
    ),
  );
}

describe('a Claude Code session runs in the sandbox', () => {
  it("reads nothing of the home or the orchestrator's environment, writes nothing outside, reaches only its API", async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'cto-claude-jail-')));
    const [stateDir, workdir, home] = [join(base, 'state'), join(base, 'work'), join(base, 'home')];
    for (const dir of [stateDir, workdir, join(home, 'agents', 'sonnet')])
      mkdirSync(dir, { recursive: true });
    const keyFile = join(home, 'agents', 'sonnet', 'config.json');
    writeFileSync(keyFile, '{"api_key":"sk-claude-jail-agent"}');
    writeFileSync(join(home, '.bashrc'), 'claude-jail-bashrc');
    let connections = 0;
    const listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    closers.push(() => listener.close());
    const port = (listener.address() as { port: number }).port;
    const commands = [
      'echo inside > inside.txt',
      `cat ${keyFile}; cat ~/.bashrc ${home}/.bashrc; ls ${home} ${stateDir}`,
      `tr '\\0' '\\n' < /proc/$PPID/environ; env; for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ; done`,
      `echo pwned > ${home}/pwned; echo pwned >> ${home}/.bashrc; rm -rf ${home}/agents`,
      `curl -s -m 3 http://127.0.0.1:${port}/ ; (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>&1; echo done`,
      'setsid sleep 3600.424242 > /dev/null 2>&1 &',
    ];
    const { anthropic, model, loaded } = await providerServers();
    anthropic.script('sonnet', [
      ...commands.map((command) => ({ toolCalls: [{ name: 'Bash', arguments: { command } }] })),
      { text: 'all done' },
    ]);
    const ports = createModelPorts({
      config: () => loaded.config,
      stateDir,
      cwd: workdir,
      env: {
        ...claudeEnv,
        HOME: home,
        DEEPSEEK_API_KEY: 'sk-deepseek-jail-env',
        GITHUB_TOKEN: 'ghp_jail',
      },
      homeDir: home,
    });
    const result = await ports.execute(executeCall(model('sonnet'), 'Try everything'));
    expect(result.output).toBe('all done');
    const seen = toolResults(anthropic.requests.map((request) => request.body));
    // The session ran its commands (their results came back), and they found nothing …
    expect(seen).toContain(`cat: ${keyFile}: No such file or directory`);
    expect(seen).toContain('HOME=/tmp/home');
    // … and none of them read a key, the home or the orchestrator's environment.
    for (const secret of [
      'sk-claude-jail-agent',
      'claude-jail-bashrc',
      'sk-deepseek-jail-env',
      'ghp_jail',
    ]) {
      expect(seen).not.toContain(secret);
    }
    expect(readFileSync(keyFile, 'utf8')).toBe('{"api_key":"sk-claude-jail-agent"}');
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('claude-jail-bashrc');
    expect(existsSync(join(home, 'pwned'))).toBe(false);
    expect(readFileSync(join(workdir, 'inside.txt'), 'utf8')).toBe('inside\n');
    expect(connections).toBe(0);
    await expectNoProcessWith('sleep 3600.424242');
  }, 120_000);
});
