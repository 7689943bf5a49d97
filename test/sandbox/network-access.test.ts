import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardedHosts, hostsFile } from '../../agents/sandbox/network-forwarding.js';
import { runConfined } from '../../agents/sandbox/run-confined.js';
import type { NetworkAccess } from '../../machines/network-access.js';
import { networkAccessSchema } from '../../machines/network-access.js';
import { testConfinement } from '../helpers/confinement.js';

const counts = new Map<number, number>();
const servers: Server[] = [];
let allowed: number;
let other: number;
let root: string;
let home: string;

async function listener(): Promise<number> {
  const server = createServer((socket) => {
    const port = (server.address() as { port: number }).port;
    counts.set(port, (counts.get(port) ?? 0) + 1);
    socket.end('hello from the host\n');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

beforeAll(async () => {
  allowed = await listener();
  other = await listener();
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'cto-net-')));
  root = join(base, 'root');
  home = join(base, 'home');
  mkdirSync(root);
  mkdirSync(home);
});
afterAll(() => {
  for (const server of servers) server.close();
});

/** Connects to a port from inside the sandbox and says what it read. */
function probe(network: NetworkAccess, host: string, port: number) {
  return runConfined(testConfinement({ home, network }), {
    file: 'bash',
    args: ['-c', `exec 3<>/dev/tcp/${host}/${port} && head -1 <&3 || echo refused`],
    root,
    timeoutMs: 20_000,
  });
}

describe('network access from the sandbox', () => {
  it('reaches nothing by default', async () => {
    const before = counts.get(allowed) ?? 0;
    expect((await probe('none', '127.0.0.1', allowed)).output).toContain('refused');
    expect(counts.get(allowed) ?? 0).toBe(before);
  });

  it('reaches exactly the hosts of an allow list, through the forwarder', async () => {
    const network = { allow: [`127.0.0.1:${allowed}`] };
    const before = counts.get(allowed) ?? 0;
    expect((await probe(network, '127.0.0.1', allowed)).output).toBe('hello from the host\n');
    expect((await probe(network, 'localhost', allowed)).output).toBe('hello from the host\n');
    expect(counts.get(allowed)).toBe(before + 2);
    expect((await probe(network, '127.0.0.1', other)).output).toContain('refused');
    expect(counts.get(other) ?? 0).toBe(0);
  });

  it('shares the machine network when told to', async () => {
    expect((await probe('host', '127.0.0.1', other)).output).toBe('hello from the host\n');
    expect(counts.get(other)).toBe(1);
  });

  it('gives each named host its own loopback address inside, in a hosts file of its own', () => {
    const hosts = forwardedHosts([
      'api.anthropic.com',
      'registry.npmjs.org:443',
      'api.anthropic.com:8443',
      '127.0.0.1:4000',
    ]);
    expect(hosts).toEqual([
      { host: 'api.anthropic.com', port: 443, inside: '127.0.0.2' },
      { host: 'registry.npmjs.org', port: 443, inside: '127.0.0.3' },
      { host: 'api.anthropic.com', port: 8443, inside: '127.0.0.2' },
      { host: '127.0.0.1', port: 4000, inside: '127.0.0.1' },
    ]);
    expect(hostsFile(hosts)).toBe(
      '127.0.0.1 localhost\n::1 localhost\n127.0.0.2 api.anthropic.com\n127.0.0.3 registry.npmjs.org\n',
    );
  });

  it('takes none, host or an allow list of host names, and says what is wrong otherwise', () => {
    expect(networkAccessSchema.parse('none')).toBe('none');
    expect(networkAccessSchema.parse({ allow: ['api.example.com:8443', 'localhost'] })).toEqual({
      allow: ['api.example.com:8443', 'localhost'],
    });
    for (const bad of [
      'all',
      { allow: [] },
      { allow: ['http://x.com'] },
      { allow: ['x.com:99999'] },
      { allow: ['a b'] },
    ]) {
      expect(networkAccessSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
