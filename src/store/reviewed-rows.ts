import { type ReviewedAttempt, reviewedAttemptSchema } from '../routing/reviewed-attempt.js';
import type { TextFeatures } from '../routing/text-features.js';
import { StoreError } from './store.js';

/** A stored reviewed attempt with the number it was stored under (ascending). */
export interface StoredReviewedAttempt {
  seq: number;
  attempt: ReviewedAttempt;
}

/**
 * What text routing keeps in a store: the features of every reviewed attempt's task (never its
 * text), read back in the order they were stored so that a process catches up from where it
 * left off. Each backend implements it in a file of its own.
 */
export interface ReviewedStoreMethods {
  /** Stores these attempts; one already stored (same task and attempt number) is left as it is. */
  putReviewedAttempts(attempts: readonly ReviewedAttempt[]): Promise<void>;
  /** Up to `limit` attempts stored under a number above `after`, in that order. */
  reviewedAttempts(after: number, limit: number): Promise<StoredReviewedAttempt[]>;
}

/**
 * Features as stored: each term as a little-endian uint32, then each weight as a float32.
 *
 * @example
 * featuresToBytes({ terms: [7], weights: [1] }); // <Buffer 07 00 00 00 00 00 80 3f>
 */
export function featuresToBytes(features: TextFeatures): Buffer {
  const n = features.terms.length;
  const bytes = Buffer.alloc(n * 8);
  features.terms.forEach((term, i) => {
    bytes.writeUInt32LE(term, i * 4);
    bytes.writeFloatLE(features.weights[i] ?? 0, n * 4 + i * 4);
  });
  return bytes;
}

/** Stored features read back; throws a StoreError naming the row when they are malformed. */
function featuresFromBytes(bytes: Uint8Array, where: string): TextFeatures {
  if (bytes.length % 8 !== 0)
    throw new StoreError(
      `${where}: stored text features have ${bytes.length} bytes, not a multiple of 8`,
    );
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const n = bytes.length / 8;
  const terms = Array.from({ length: n }, (_, i) => buffer.readUInt32LE(i * 4));
  const weights = Array.from({ length: n }, (_, i) => buffer.readFloatLE(n * 4 + i * 4));
  return { terms, weights };
}

/** A reviewed-attempt row as both backends read it. */
export interface ReviewedRow {
  seq: number;
  task_id: string;
  attempt: number;
  model: string;
  task_type: string;
  approved: number | boolean;
  at: number;
  features: Uint8Array;
}

/**
 * A stored row as a reviewed attempt; a row that does not read back as one is a StoreError
 * naming it, never passed on half-read.
 *
 * @example
 * reviewedFromRow(row); // { seq: 12, attempt: { taskId: 't1', attempt: 1, model: 'deepseek', … } }
 */
export function reviewedFromRow(row: ReviewedRow): StoredReviewedAttempt {
  const where = `reviewed attempt ${row.seq} (task ${row.task_id})`;
  const parsed = reviewedAttemptSchema.safeParse({
    taskId: row.task_id,
    attempt: row.attempt,
    model: row.model,
    taskType: row.task_type,
    approved: row.approved === true || row.approved === 1,
    at: row.at,
    features: featuresFromBytes(row.features, where),
  });
  if (!parsed.success)
    throw new StoreError(`${where}: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  return { seq: row.seq, attempt: parsed.data };
}
