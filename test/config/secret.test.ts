import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { maskSecret, Secret } from '../../src/config/secret.js';

describe('secrets', () => {
  it('masks a key to its prefix and last four characters', () => {
    expect(maskSecret('sk-proj-abcdefghijklmnop1234')).toBe('sk-…1234');
    expect(maskSecret('AIzaSyD-abcdefghijklmnopqrs')).toBe('…pqrs');
  });

  it('shows nothing of a short key', () => {
    expect(maskSecret('short-key')).toBe('…');
  });

  it('never prints the value through String, JSON or inspect', () => {
    const key = new Secret('sk-live-0123456789abcdef');
    const printed = [String(key), `${key}`, JSON.stringify({ key }), inspect({ key })].join(' ');
    expect(printed).not.toContain('0123456789');
    expect(printed).toContain('sk-…cdef');
    expect(key.reveal()).toBe('sk-live-0123456789abcdef');
  });
});
