/**
 * The one retry policy of every Atlas call. What is safe to repeat is repeated with
 * exponential backoff and full jitter (or as Retry-After says), a bounded number of
 * times and never past the run's deadline. A create that may have reached Atlas is
 * never repeated here: the caller looks before it tries again.
 */
import { AtlasError } from './errors.js'
import { ConnectionError } from './transport.js'

export interface RetryPolicy {
  readonly maxAttempts: number
  /**
   * 429s are counted apart: Atlas says when to come back, and a matrix of runs sharing
   * a project's rate limit can meet several in a row without anything being wrong.
   */
  readonly maxRateLimitedAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, maxRateLimitedAttempts: 20, baseDelayMs: 1_000, maxDelayMs: 30_000 }

export function isRateLimited(error: unknown): boolean {
  return error instanceof AtlasError && error.status === 429
}

/**
 * - `safe`: Atlas cannot have acted on the request (429, 503, nothing sent): repeat it.
 * - `ambiguous`: it may have reached Atlas (a timeout or reset after sending, 500, 502,
 *   504): repeat a read; for a create, look first.
 * - `final`: an answer to report (400, 401, 403, 404, 409 ...).
 */
export type FailureKind = 'safe' | 'ambiguous' | 'final'

export function classify(error: unknown): FailureKind {
  if (error instanceof ConnectionError) {
    if (error.permanent) return 'final'
    return error.mayHaveReachedServer ? 'ambiguous' : 'safe'
  }
  if (error instanceof AtlasError) {
    if (error.status === 429 || error.status === 503) return 'safe'
    if (error.status === 500 || error.status === 502 || error.status === 504) return 'ambiguous'
  }
  return 'final'
}

/** Trouble that passes: a poll that meets it is tried again at the next interval. */
export function isTransient(error: unknown): boolean {
  return classify(error) !== 'final'
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The wait before attempt `attempt + 1`. With Retry-After: at least that, plus up to
 * half again so parallel runs do not all come back in the same second. Without: full
 * jitter, a random wait up to base * 2^(attempt-1), capped.
 */
export function backoffDelay(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy, random: () => number): number {
  if (retryAfterMs !== undefined) return Math.round(retryAfterMs * (1 + random() / 2))
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(random() * ceiling)
}

export function retryAfterOf(error: unknown, now: number): number | undefined {
  return error instanceof AtlasError ? parseRetryAfter(String(error.response?.headers['retry-after'] ?? ''), now) : undefined
}

/** One line for the log: what happened. */
export function failureSummary(error: unknown): string {
  if (error instanceof AtlasError) return `Atlas answered ${error.status}${error.errorCode ? ` ${error.errorCode}` : ''}`
  if (error instanceof ConnectionError) return `Could not reach Atlas (${error.reason})`
  if (error instanceof Error) return error.message
  return String(error)
}
