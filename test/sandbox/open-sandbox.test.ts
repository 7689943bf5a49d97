import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSandbox } from '../../agents/sandbox/open-sandbox.js';
import { bwrapPath } from '../helpers/confinement.js';

const home = mkdtempSync(join(tmpdir(), 'cto-open-'));
const protect = () => ({ home, secrets: [], hidden: [] });

describe('openSandbox', () => {
  it('finds bubblewrap on Linux and proves it works with a real sandbox', async () => {
    const state = await openSandbox({ enabled: true, protect, path: dirname(bwrapPath()) });
    expect(state).toMatchObject({
      state: 'confined',
      description: expect.stringMatching(/^bubblewrap \d/),
    });
    if (state.state === 'confined') expect(state.sandbox.kind).toBe('bubblewrap');
  });

  it('names the cause and the install command when bubblewrap is missing', async () => {
    const state = await openSandbox({ enabled: true, protect, path: '/nonexistent' });
    expect(state).toEqual({
      state: 'unavailable',
      reason:
        'tools need a sandbox: install bubblewrap (Debian and Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap)',
    });
  });

  it('says what bubblewrap said when it cannot make a sandbox here', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cto-fake-bwrap-'));
    mkdirSync(dir, { recursive: true });
    const fake = join(dir, 'bwrap');
    writeFileSync(
      fake,
      '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n',
    );
    chmodSync(fake, 0o755);
    const state = await openSandbox({ enabled: true, protect, path: dir });
    expect(state.state).toBe('unavailable');
    if (state.state === 'unavailable') {
      expect(state.reason).toMatch(
        /^bubblewrap \(.*\/bwrap\) cannot make a sandbox here: bwrap: setting up uid map: Permission denied; where unprivileged user namespaces are restricted/,
      );
    }
  });

  it('runs unconfined, and says so, only when the configuration turns it off', async () => {
    const state = await openSandbox({ enabled: false, protect, path: '/nonexistent' });
    expect(state).toMatchObject({
      state: 'off',
      description: expect.stringMatching(/^off \(sandbox.enabled is false\)/),
    });
  });

  it('uses sandbox-exec on macOS and has nothing for other systems', async () => {
    const mac = await openSandbox({ enabled: true, protect, platform: 'darwin' });
    // Linux has no /usr/bin/sandbox-exec: the macOS branch says so.
    expect(mac).toEqual({
      state: 'unavailable',
      reason: 'tools need a sandbox: /usr/bin/sandbox-exec is missing',
    });
    expect(await openSandbox({ enabled: true, protect, platform: 'win32' })).toEqual({
      state: 'unavailable',
      reason: 'tools need a sandbox, and there is none for win32: use Linux (bubblewrap) or macOS',
    });
  });
});
