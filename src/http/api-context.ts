import type { ConfigSource } from '../config/config-source.js';
import type { Orchestrator } from '../runtime/create-orchestrator.js';
import type { ChangeFeed } from './change-feed.js';

/** What the API's routes work with. */
export interface ApiContext {
  orchestrator: Orchestrator;
  source: ConfigSource;
  feed: ChangeFeed;
  /** Told when a task is submitted, so that the serve loop takes it on at once. */
  onSubmitted?: () => void;
  /** Milliseconds since the epoch (tests pass their own). */
  now?: () => number;
  /**
   * How often a task's live stream looks in the store for steps it was not told of (stored by
   * another process sharing the store); a step of this process is sent at once.
   */
  pollMs?: number;
  /** Between comment lines that keep an idle stream open through proxies. */
  keepAliveMs?: number;
}
