import { describe, expect, it } from 'vitest';
import { deadLocalOwner, leaseOwnerId } from '../../src/runtime/lease-owner.js';

describe('lease owners', () => {
  it('are named by host, pid and a random suffix', () => {
    expect(leaseOwnerId()).toMatch(new RegExp(`:${process.pid}:[\\w-]{6}$`));
    expect(leaseOwnerId()).not.toBe(leaseOwnerId());
  });

  it('are dead when of this host and their pid runs no more; never when of another host', () => {
    const alive = (pid: number) => pid === 7;
    expect(deadLocalOwner('build-3:8:abcdef', 'build-3', alive)).toBe(true);
    expect(deadLocalOwner('build-3:7:abcdef', 'build-3', alive)).toBe(false);
    expect(deadLocalOwner('build-4:8:abcdef', 'build-3', alive)).toBe(false);
    // A host name with a colon, and names not made here.
    expect(deadLocalOwner('fe80::1:8:abcdef', 'fe80::1', alive)).toBe(true);
    expect(deadLocalOwner('a', 'build-3', alive)).toBe(false);
    expect(deadLocalOwner('build-3:x:abcdef', 'build-3', alive)).toBe(false);
    // This very process is alive.
    expect(deadLocalOwner(leaseOwnerId())).toBe(false);
  });
});
