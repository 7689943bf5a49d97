import { z } from 'zod';
import type { RecordedRequest } from './recorded-request.js';
import {
  type ModelMatcher,
  type Script,
  type ScriptedReply,
  scriptedReplySchema,
} from './scripted-reply.js';

/** What the scripts say about one request. */
export type ScriptLookup =
  | { kind: 'reply'; reply: ScriptedReply }
  | { kind: 'unscripted' }
  | { kind: 'failed'; message: string };

interface Entry {
  matcher: ModelMatcher;
  script: Script;
  /** Replies of a queue script taken so far. */
  used: number;
}

function label(matcher: ModelMatcher): string {
  return typeof matcher === 'string' ? `"${matcher}"` : 'a model predicate';
}

/**
 * A zod error in one line: a typo in a script should read as such. A reply that fits no kind
 * is reported against the kind it comes closest to (the fewest issues).
 */
function problem(issues: readonly z.core.$ZodIssue[], path: PropertyKey[] = []): string {
  const issue = issues[0];
  if (!issue) return `${path.join('.') || '(root)'}: invalid`;
  const where = [...path, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = issue.errors.reduce((best, next) => (next.length < best.length ? next : best));
    return problem(closest, where);
  }
  return `${where.join('.') || '(root)'}: ${issue.message}`;
}

/**
 * The scripts of a server's models and which one answers a request. A request's model goes
 * to the script of the same name first, then to a name the server's `matches` accepts (the
 * Anthropic server lets `sonnet` answer `claude-sonnet-5`), then to the predicates in the
 * order they were given. Scripting a name again replaces its script.
 *
 * @example
 * const scripts = new ModelScripts((name, model) => name === model);
 * scripts.set('gpt-test', [{ text: 'hi' }]);
 * await scripts.next(request); // { kind: 'reply', reply: { text: 'hi' } }
 */
export class ModelScripts {
  readonly #entries: Entry[] = [];
  readonly #matches: (name: string, model: string) => boolean;

  constructor(matches: (name: string, model: string) => boolean) {
    this.#matches = matches;
  }

  set(matcher: ModelMatcher, script: Script): void {
    if (typeof script !== 'function') {
      const checked = z.array(scriptedReplySchema).safeParse(script);
      if (!checked.success) {
        throw new TypeError(`script for ${label(matcher)} at ${problem(checked.error.issues)}`);
      }
    }
    const entry: Entry = { matcher, script, used: 0 };
    const same = this.#entries.findIndex((other) => other.matcher === matcher);
    if (same === -1) this.#entries.push(entry);
    else this.#entries[same] = entry;
  }

  /** The model names scripted by name, for a model listing. */
  names(): string[] {
    return this.#entries.flatMap(({ matcher }) => (typeof matcher === 'string' ? [matcher] : []));
  }

  /** The reply to a request for `model`; a queue reply is consumed. */
  async next(model: string, request: RecordedRequest): Promise<ScriptLookup> {
    const entry = this.#find(model);
    if (!entry) return { kind: 'unscripted' };
    const { script } = entry;
    if (typeof script !== 'function') {
      const reply = script[entry.used];
      if (!reply) {
        return {
          kind: 'failed',
          message: `the script for ${label(entry.matcher)} ran out: all ${script.length} replies were used before this request for "${model}"`,
        };
      }
      entry.used += 1;
      return { kind: 'reply', reply };
    }
    let answer: unknown;
    try {
      answer = await script(request);
    } catch (error) {
      return {
        kind: 'failed',
        message: `the script for ${label(entry.matcher)} threw: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const checked = scriptedReplySchema.safeParse(answer);
    if (checked.success) return { kind: 'reply', reply: checked.data };
    return {
      kind: 'failed',
      message: `the script for ${label(entry.matcher)} returned an invalid reply at ${problem(checked.error.issues)}`,
    };
  }

  #find(model: string): Entry | undefined {
    return (
      this.#entries.find(({ matcher }) => matcher === model) ??
      this.#entries.find(
        ({ matcher }) => typeof matcher === 'string' && this.#matches(matcher, model),
      ) ??
      this.#entries.find(({ matcher }) => typeof matcher === 'function' && matcher(model))
    );
  }
}
