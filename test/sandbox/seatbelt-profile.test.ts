import { describe, expect, it } from 'vitest';
import { seatbeltProfile } from '../../agents/sandbox/seatbelt-profile.js';

// sandbox-exec does not exist on Linux: the profile is checked as text.
const plan = {
  root: '/Users/me/repo',
  scratch: ['/private/var/folders/x/cto-sandbox-1'],
  hidden: ['/Users/me/repo/.cto'],
  writable: [],
  readOnly: ['/Users/me/.nvm/versions/node/v22'],
  network: 'none' as const,
};

describe('seatbeltProfile', () => {
  it('denies by default and allows reading the system and the listed paths', () => {
    const profile = seatbeltProfile(plan);
    expect(profile.split('\n').slice(0, 2)).toEqual(['(version 1)', '(deny default)']);
    expect(profile).toMatch(/\(allow file-read\* \(literal "\/"\) \(subpath "\/usr"\)/);
    expect(profile).toContain('(subpath "/Users/me/.nvm/versions/node/v22")');
    expect(profile).not.toMatch(/subpath "\/Users\/me"\)/);
  });

  it('lets it write the task and its own scratch, never the hidden paths', () => {
    const profile = seatbeltProfile(plan);
    expect(profile).toContain(
      '(allow file-read* file-write* (require-all (require-any (subpath "/Users/me/repo") (subpath "/private/var/folders/x/cto-sandbox-1")) (require-not (require-any (subpath "/Users/me/repo/.cto")))))',
    );
  });

  it('has no network unless told; an allow list opens loopback by port, a named host by its port', () => {
    expect(seatbeltProfile(plan)).not.toContain('network');
    expect(seatbeltProfile({ ...plan, network: 'host' })).toContain('(allow network*)');
    const allow = seatbeltProfile({
      ...plan,
      network: { allow: ['127.0.0.1:4000', 'api.anthropic.com'] },
    });
    expect(allow).toContain('(allow network-outbound (remote tcp "localhost:4000"))');
    expect(allow).toContain('(allow network-outbound (remote tcp "*:443"))');
  });

  it('quotes paths so that a path cannot end a rule', () => {
    const profile = seatbeltProfile({ ...plan, root: '/Users/me/a") (allow default' });
    expect(profile).toContain('(subpath "/Users/me/a\\") (allow default")');
    expect(profile).not.toMatch(/^\(allow default\)/m);
  });
});
