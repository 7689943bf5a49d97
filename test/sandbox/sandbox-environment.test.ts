import { describe, expect, it } from 'vitest';
import { sandboxEnvironment } from '../../agents/sandbox/sandbox-environment.js';

const mounts = {
  readOnly: ['/usr', '/etc', '/opt/node'],
  symlinks: [{ path: '/bin', target: 'usr/bin' }],
  masked: [],
};
const none = { env: {}, pass_env: [], read_only_paths: [] };

describe('sandboxEnvironment', () => {
  it('is built from an allowlist: keys, tokens and everything unlisted stay out, whatever their names', () => {
    const env = sandboxEnvironment(
      none,
      {
        PATH: '/usr/bin:/bin',
        LANG: 'C.UTF-8',
        TERM: 'xterm',
        TZ: 'UTC',
        USER: 'me',
        HOME: '/home/me',
        DEEPSEEK_API_KEY: 'sk-1',
        OPENAI_API_KEY: 'sk-2',
        MY_SERVICE: 'hunter2',
        DATABASE_URL: 'postgres://app:pw@db/app',
        SSH_AUTH_SOCK: '/tmp/agent.sock',
        NODE_OPTIONS: '--require /home/me/evil.js',
        LD_PRELOAD: '/home/me/x.so',
      },
      mounts,
    );
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      TERM: 'xterm',
      TZ: 'UTC',
      USER: 'me',
      TMPDIR: '/tmp',
    });
  });

  it('keeps the PATH entries that exist inside the sandbox, in order, once', () => {
    const env = sandboxEnvironment(
      none,
      {
        PATH: '/root/.cargo/bin:/usr/local/bin:/home/me/.nvm/bin:/opt/node/bin:/usr/bin:relative:/usr/bin',
      },
      mounts,
    );
    expect(env.PATH).toBe('/usr/local/bin:/opt/node/bin:/usr/bin');
    expect(sandboxEnvironment(none, {}, mounts).PATH).toBe('/usr/local/bin:/usr/bin:/bin');
  });

  it('adds what the configuration passes or sets, and a read-only path keeps its PATH entry', () => {
    const env = sandboxEnvironment(
      { env: { CI: '1' }, pass_env: ['GOPATH', 'MISSING'], read_only_paths: ['/root/.cargo'] },
      { PATH: '/root/.cargo/bin:/usr/bin', GOPATH: '/go' },
      mounts,
    );
    expect(env).toEqual({
      PATH: '/root/.cargo/bin:/usr/bin',
      GOPATH: '/go',
      CI: '1',
      TMPDIR: '/tmp',
    });
  });
});
