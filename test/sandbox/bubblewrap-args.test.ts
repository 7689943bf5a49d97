import { describe, expect, it } from 'vitest';
import { type BubblewrapPlan, bubblewrapArgs } from '../../agents/sandbox/bubblewrap-args.js';

const plan: BubblewrapPlan = {
  system: {
    readOnly: ['/usr', '/etc'],
    symlinks: [{ path: '/bin', target: 'usr/bin' }],
    masked: [
      { path: '/etc/shadow', directory: false },
      { path: '/etc/ssl/private', directory: true },
    ],
  },
  root: '/work/repo',
  hidden: [{ path: '/work/repo/.cto', directory: true }],
  writable: [{ source: '/work/repo/.cto/claude/t1', target: '/tmp/home/.claude' }],
  readOnly: ['/opt/node'],
  network: 'none',
  tmpBytes: 1 << 30,
};

/** The index of an option with its values, as a sequence, in the command line. */
function at(args: string[], ...sequence: string[]): number {
  return args.findIndex((_, i) => sequence.every((part, k) => args[i + k] === part));
}

describe('bubblewrapArgs', () => {
  it('builds the sandbox from nothing: namespaces, no capabilities, a new session, death with the parent', () => {
    const args = bubblewrapArgs(plan);
    for (const option of ['--die-with-parent', '--new-session', '--unshare-all']) {
      expect(args).toContain(option);
    }
    expect(at(args, '--cap-drop', 'ALL')).toBeGreaterThan(-1);
    expect(args).not.toContain('--share-net');
    expect(args).not.toContain('--cap-add');
    // Never the whole file system: only what the plan lists.
    expect(at(args, '--ro-bind', '/', '/')).toBe(-1);
    expect(at(args, '--bind', '/', '/')).toBe(-1);
  });

  it('gives its own /proc, /dev, /tmp and home, the system read-only and the task read-write', () => {
    const args = bubblewrapArgs(plan);
    expect(at(args, '--proc', '/proc')).toBeGreaterThan(-1);
    expect(at(args, '--dev', '/dev')).toBeGreaterThan(-1);
    expect(at(args, '--tmpfs', '/tmp')).toBeGreaterThan(-1);
    expect(at(args, '--dir', '/tmp/home')).toBeGreaterThan(at(args, '--tmpfs', '/tmp'));
    expect(at(args, '--ro-bind', '/usr', '/usr')).toBeGreaterThan(-1);
    expect(at(args, '--symlink', 'usr/bin', '/bin')).toBeGreaterThan(-1);
    expect(at(args, '--ro-bind', '/opt/node', '/opt/node')).toBeGreaterThan(-1);
    expect(at(args, '--bind', '/work/repo', '/work/repo')).toBeGreaterThan(-1);
    expect(args.slice(-2)).toEqual(['--chdir', '/work/repo']);
  });

  it('hides what only its owner may read, and the state directory after the task is mounted', () => {
    const args = bubblewrapArgs(plan);
    expect(at(args, '--ro-bind', '/dev/null', '/etc/shadow')).toBeGreaterThan(
      at(args, '--ro-bind', '/etc', '/etc'),
    );
    expect(
      at(args, '--tmpfs', '/etc/ssl/private', '--remount-ro', '/etc/ssl/private'),
    ).toBeGreaterThan(-1);
    const root = at(args, '--bind', '/work/repo', '/work/repo');
    const hidden = at(args, '--tmpfs', '/work/repo/.cto', '--remount-ro', '/work/repo/.cto');
    expect(hidden).toBeGreaterThan(root);
    // A mount given on purpose (the session's own directory) comes after, at its own target.
    expect(at(args, '--bind', '/work/repo/.cto/claude/t1', '/tmp/home/.claude')).toBeGreaterThan(
      hidden,
    );
  });

  it('shares the network only when told, and forwards an allow list into a private one', () => {
    expect(bubblewrapArgs({ ...plan, network: 'host' })).toContain('--share-net');
    const forwarded = bubblewrapArgs({
      ...plan,
      network: 'forwarded',
      forwardDir: '/tmp/cto-net-1',
      hostsFile: '/tmp/cto-net-1/hosts',
      rootInside: true,
    });
    expect(forwarded).not.toContain('--share-net');
    expect(at(forwarded, '--cap-add', 'CAP_NET_BIND_SERVICE')).toBeGreaterThan(
      at(forwarded, '--cap-drop', 'ALL'),
    );
    expect(at(forwarded, '--ro-bind', '/tmp/cto-net-1/hosts', '/etc/hosts')).toBeGreaterThan(
      at(forwarded, '--ro-bind', '/etc', '/etc'),
    );
    expect(at(forwarded, '--bind', '/tmp/cto-net-1', '/run/cto-net')).toBeGreaterThan(-1);
    expect(at(forwarded, '--uid', '0', '--gid', '0')).toBeGreaterThan(-1);
  });
});
