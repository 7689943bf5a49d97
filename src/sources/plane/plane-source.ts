import { isDeepStrictEqual } from 'node:util';
import type { ConfigSource } from '../../config/config-source.js';
import type { PlaneSettings } from '../../config/resolve-plane-settings.js';
import type { Logger } from '../../log/logger.js';
import { type Clock, systemClock } from '../../runtime/clock.js';
import type { Orchestrator, TaskChange } from '../../runtime/create-orchestrator.js';
import { finalStatuses, type SourceTask } from '../../store/store.js';
import { type SourceHealth, SourceHealthTracker } from '../source-health.js';
import { loadPlaneCatalog, type PlaneProjectView } from './plane-catalog.js';
import { PlaneClient } from './plane-client.js';
import { dueStep, itemRef, sourceKey } from './plane-write-back.js';
import { type ReconcileParts, reconcileItem } from './reconcile-item.js';
import { sleep } from './request-pacer.js';
import { WriteBackQueue } from './write-back-queue.js';

export interface PlaneSourceOptions {
  orchestrator: Orchestrator;
  config: ConfigSource;
  /** This process's name, as in its leases. */
  owner: string;
  /** How long a claim on a write-back lasts (the process's lease length). */
  leaseMs: number;
  clock?: Clock;
  logger?: Logger;
  /** Told when a task is submitted, so that the serve loop takes it on at once. */
  onSubmitted?: () => void;
  fetch?: typeof fetch;
}

/** A Plane workspace as a source of tasks (see `createPlaneSource`). */
export interface PlaneSource {
  /** Polls now, then every poll interval, until stopped. */
  start(): void;
  /** One whole poll (the loop's step; tests call it). */
  poll(): Promise<void>;
  /** Hears each stored task step (the orchestrator's `onChange`) and writes back what it calls for. */
  changed(change: TaskChange): void;
  /** A verified webhook named this item: it is looked at now, not at the next poll. */
  itemChanged(itemId: string, projectId?: string): Promise<void>;
  /** Counts a webhook delivery accepted or refused. */
  webhook(accepted: boolean): void;
  health(): SourceHealth;
  /** Stops polling and waits for what is under way; the last health is stored. */
  stop(): Promise<void>;
}

/** How long the projects, states and labels read from Plane stand before being read again. */
const catalogMaxAgeMs = 10 * 60_000;

/** A client and catalog for one reading of the settings; a changed setting makes a new one. */
interface Connection {
  settings: PlaneSettings;
  client: PlaneClient;
  catalog: {
    projects: PlaneProjectView[];
    problems: string[];
    warnings: string[];
    at: number;
  } | null;
}

function targetOf(settings: PlaneSettings | null): string {
  return settings ? `plane ${settings.workspace} (${settings.projects.join(', ')})` : 'plane';
}

/**
 * Makes tasks of the work items of a Plane workspace and keeps them in step: each poll lists
 * the configured projects' items; an item in a pick-up state (with a pick-up label, if any)
 * becomes one task (its id is the task's source key, unique in the store, so several processes
 * and restarts never make two); a queued task whose item was edited gets the new text; a task
 * whose item left the active states, or was deleted, is cancelled; and each task's start and
 * end are written on its item (a comment, a state move), once. Failures are kept in the health
 * (`cto status` shows it) and never stop the process: the next poll tries again.
 *
 * @example
 * const plane = createPlaneSource({ orchestrator, config: source, owner, leaseMs: 30_000 });
 * plane.start();
 * // … orchestrator onChange: plane.changed; on shutdown: await plane.stop();
 */
export function createPlaneSource(options: PlaneSourceOptions): PlaneSource {
  const { orchestrator, owner, logger } = options;
  const clock = options.clock ?? systemClock;
  const stopping = new AbortController();
  const health = new SourceHealthTracker(targetOf(options.config.current().taskSources.plane));
  let connection: Connection | null = null;
  let loop: Promise<void> | null = null;
  const reports = new WriteBackQueue(logger);

  function settings(): PlaneSettings | null {
    return options.config.current().taskSources.plane;
  }

  function connect(current: PlaneSettings): Connection {
    if (connection && isDeepStrictEqual(connection.settings, current)) return connection;
    health.retarget(targetOf(current));
    connection = {
      settings: current,
      catalog: null,
      client: new PlaneClient({
        baseUrl: current.baseUrl,
        workspace: current.workspace,
        apiKey: current.apiKey,
        apiKeySource: current.apiKeySource,
        timeoutMs: current.requestTimeoutMs,
        maxRequestsPerMinute: () =>
          settings()?.maxRequestsPerMinute ?? current.maxRequestsPerMinute,
        clock,
        signal: stopping.signal,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    };
    return connection;
  }

  async function catalogOf(link: Connection) {
    if (!link.catalog || clock.now() - link.catalog.at > catalogMaxAgeMs) {
      link.catalog = { ...(await loadPlaneCatalog(link.client, link.settings)), at: clock.now() };
      for (const problem of link.catalog.problems) logger?.error({ source: 'plane' }, problem);
    }
    return link.catalog;
  }

  function reconcileParts(link: Connection): ReconcileParts {
    return {
      orchestrator,
      settings: link.settings,
      models: options.config
        .current()
        .models.filter((m) => m.enabled)
        .map((m) => m.id),
      ...(logger ? { logger } : {}),
      onCreated: () => {
        health.created();
        options.onSubmitted?.();
      },
    };
  }

  function report(task: SourceTask, projects: readonly PlaneProjectView[]): Promise<void> {
    return reports.report(task, projects, () =>
      connection && !stopping.signal.aborted
        ? {
            client: connection.client,
            store: orchestrator.store,
            orchestrator,
            clock,
            owner,
            leaseMs: options.leaseMs,
          }
        : null,
    );
  }

  async function poll(): Promise<void> {
    const current = settings();
    if (!current) return;
    const link = connect(current);
    const warnings: string[] = [];
    try {
      const catalog = await catalogOf(link);
      warnings.push(...catalog.warnings, ...catalog.problems);
      const prefix = `plane:${current.workspace}/`;
      const open = new Map(
        (await orchestrator.store.openSourceTasks(prefix)).map((t) => [t.sourceKey, t]),
      );
      let itemsSeen = 0;
      const errors: string[] = [...catalog.problems];
      const unlisted = new Set<string>();
      for (const project of catalog.projects) {
        try {
          const items = await link.client.listWorkItems(project.id);
          itemsSeen += items.length;
          for (const item of items) {
            const key = sourceKey({
              workspace: current.workspace,
              projectId: project.id,
              itemId: item.id,
            });
            const task = open.get(key) ?? null;
            open.delete(key);
            await reconcileItem(reconcileParts(link), project, item, item.id, task, warnings);
          }
        } catch (error) {
          if (stopping.signal.aborted) throw error;
          errors.push(`${project.identifier}: ${(error as Error).message}`);
          unlisted.add(project.id);
        }
      }
      // Tasks whose items the lists did not show: deleted, archived or moved away.
      for (const [key, task] of open) {
        const ref = itemRef(key);
        const project = catalog.projects.find((p) => p.id === ref?.projectId);
        if (!ref || !project || unlisted.has(project.id) || finalStatuses.has(task.status))
          continue;
        const item = await link.client.getWorkItem(project.id, ref.itemId);
        await reconcileItem(reconcileParts(link), project, item, ref.itemId, task, warnings);
      }
      const due = await orchestrator.store.openSourceTasks(prefix);
      await Promise.all(
        due.filter((t) => dueStep(t) !== null).map((t) => report(t, catalog.projects)),
      );
      health.rateLimited(link.client.pacer.pausedUntil);
      if (errors.length > 0) health.failed(clock.now(), errors.join('; '), warnings);
      else health.polled(clock.now(), { itemsSeen, warnings });
    } catch (error) {
      if (stopping.signal.aborted) return;
      health.rateLimited(link.client.pacer.pausedUntil);
      health.failed(clock.now(), (error as Error).message, warnings);
      logger?.warn(
        { source: 'plane', err: (error as Error).message },
        'Plane poll failed; trying again at the next poll',
      );
    } finally {
      await orchestrator.store
        .putSourceHealth({ source: 'plane', owner, at: clock.now(), health: health.current })
        .catch(() => {});
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping.signal.aborted) {
      await poll();
      const interval = settings()?.pollIntervalMs ?? 30_000;
      // After failures the wait grows (to 10 minutes at most): a broken Plane is not hammered.
      failures = health.current.state === 'failing' ? failures + 1 : 0;
      const wait = Math.min(
        10 * 60_000,
        interval * 2 ** Math.min(failures > 0 ? failures - 1 : 0, 5),
      );
      await sleep(clock, wait, stopping.signal).catch(() => {});
    }
  }

  return {
    start() {
      loop ??= run();
    },
    poll,
    changed(change) {
      if (!['executing', 'done', 'blocked', 'cancelled'].includes(change.status)) return;
      const link = connection;
      const projects = link?.catalog?.projects;
      if (!link || !projects) return;
      void (async () => {
        const prefix = `plane:${link.settings.workspace}/`;
        const task = (await orchestrator.store.openSourceTasks(prefix)).find(
          (t) => t.id === change.taskId,
        );
        if (task && dueStep(task)) await report(task, projects);
      })().catch(() => {});
    },
    async itemChanged(itemId, projectId) {
      const current = settings();
      if (!current) return;
      const link = connect(current);
      const catalog = await catalogOf(link);
      const candidates = catalog.projects.filter((p) => !projectId || p.id === projectId);
      for (const project of candidates) {
        const key = sourceKey({ workspace: current.workspace, projectId: project.id, itemId });
        const task = await orchestrator.store.taskBySource(key);
        const item = await link.client.getWorkItem(project.id, itemId);
        if (!item && !task) continue;
        await reconcileItem(reconcileParts(link), project, item, itemId, task, []);
        return;
      }
    },
    webhook(accepted) {
      health.webhook(clock.now(), accepted);
    },
    health: () => health.current,
    async stop() {
      stopping.abort(new Error('the Plane source stopped'));
      await loop;
      await reports.settled();
    },
  };
}
