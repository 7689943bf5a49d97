import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the forwarding directory is mounted inside the sandbox. */
export const FORWARD_DIR = '/run/cto-net';

/** One host a confined process may reach, and the loopback address it has inside. */
export interface ForwardedHost {
  host: string;
  port: number;
  /** The address the host name resolves to inside (through the sandbox's own /etc/hosts). */
  inside: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The hosts of an allow list with the address each gets inside: a loopback host keeps its
 * own, so a URL such as `http://127.0.0.1:4000` works unchanged; a named host gets one of
 * 127.0.0.2 and up, written into the sandbox's /etc/hosts.
 *
 * @example
 * forwardedHosts(['api.anthropic.com', '127.0.0.1:4000']);
 * // [{ host: 'api.anthropic.com', port: 443, inside: '127.0.0.2' }, { host: '127.0.0.1', port: 4000, inside: '127.0.0.1' }]
 */
export function forwardedHosts(allow: readonly string[]): ForwardedHost[] {
  const named = new Map<string, string>();
  return allow.map((entry) => {
    const match = /^(.*?)(?::(\d+))?$/.exec(entry) as RegExpExecArray;
    const host = (match[1] as string).toLowerCase();
    const port = match[2] ? Number(match[2]) : 443;
    if (LOOPBACK.has(host))
      return { host: host === '[::1]' ? '::1' : host, port, inside: '127.0.0.1' };
    let inside = named.get(host);
    if (!inside) {
      inside = `127.0.0.${named.size + 2}`;
      named.set(host, inside);
    }
    return { host, port, inside };
  });
}

/** The /etc/hosts of a sandbox with an allow list: its hosts, and nothing else resolves. */
export function hostsFile(hosts: readonly ForwardedHost[]): string {
  const lines = ['127.0.0.1 localhost', '::1 localhost'];
  for (const { host, inside } of hosts) {
    if (inside !== '127.0.0.1' && !lines.some((line) => line.endsWith(` ${host}`)))
      lines.push(`${inside} ${host}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs inside the sandbox (with the sandbox's own Node.js): listens on each forwarded host's
 * inside address and passes every connection to the orchestrator through a Unix socket, then
 * says "ready" on stdout.
 */
const FORWARDER = `'use strict';
const net = require('node:net');
const [dir, ...specs] = process.argv.slice(2);
let waiting = specs.length;
for (const spec of specs) {
  const [address, port, index] = spec.split(',');
  net.createServer((client) => {
    const upstream = net.connect(dir + '/' + index + '.sock');
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }).listen(Number(port), address, () => { if (--waiting === 0) process.stdout.write('ready\\n'); });
}
`;

/** Starts the forwarder inside, waits until it listens, then runs the command. */
const START_SCRIPT = `ready=/tmp/.cto-net-ready
mkfifo "$ready" || exit 125
"$0" ${FORWARD_DIR}/forwarder.cjs ${FORWARD_DIR} $CTO_FORWARDS >"$ready" &
read answer <"$ready"; rm -f "$ready"; unset CTO_FORWARDS
[ "$answer" = ready ] || { echo "cto: the sandbox's network forwarder did not start" >&2; exit 125; }
exec "$@"`;

export interface Forwarding {
  hosts: ForwardedHost[];
  /** The directory to mount at `FORWARD_DIR` (sockets, the forwarder, the hosts file). */
  dir: string;
  hostsFile: string;
  /** The command that starts the forwarder inside, then `file`. */
  wrap(
    file: string,
    args: readonly string[],
  ): { file: string; args: string[]; env: Record<string, string> };
  close(): Promise<void>;
}

function relay(client: Socket, host: ForwardedHost, open: Set<Socket>): void {
  const upstream = connect({ host: host.host, port: host.port });
  for (const socket of [client, upstream]) {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  }
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.pipe(upstream).pipe(client);
}

/**
 * Lets a sandbox with no network reach exactly the hosts of an allow list: for each, a Unix
 * socket on the orchestrator's side connects to the real host, and a forwarder inside the
 * sandbox listens where the host name points. TLS passes through untouched, so nothing is
 * decrypted; any other address, and DNS, stay unreachable.
 *
 * @example
 * const forwarding = await startForwarding(['api.anthropic.com'], process.execPath);
 * // mount forwarding.dir at FORWARD_DIR and forwarding.hostsFile at /etc/hosts, run forwarding.wrap(file, args)
 * await forwarding.close();
 */
export async function startForwarding(
  allow: readonly string[],
  nodePath: string,
): Promise<Forwarding> {
  const hosts = forwardedHosts(allow);
  const dir = mkdtempSync(join(tmpdir(), 'cto-net-'));
  chmodSync(dir, 0o700);
  writeFileSync(join(dir, 'forwarder.cjs'), FORWARDER);
  const hostsPath = join(dir, 'hosts');
  writeFileSync(hostsPath, hostsFile(hosts));
  const servers: Server[] = [];
  const open = new Set<Socket>();
  try {
    for (const [index, host] of hosts.entries()) {
      const server = createServer((client) => relay(client, host, open));
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(join(dir, `${index}.sock`), resolve);
      });
    }
  } catch (error) {
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  return {
    hosts,
    dir,
    hostsFile: hostsPath,
    wrap: (file, args) => ({
      file: '/bin/sh',
      args: ['-c', START_SCRIPT, nodePath, file, ...args],
      env: { CTO_FORWARDS: hosts.map((h, i) => `${h.inside},${h.port},${i}`).join(' ') },
    }),
    async close() {
      if (closed) return;
      closed = true;
      for (const socket of open) socket.destroy();
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
