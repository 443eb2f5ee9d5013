/**
 * The one retry policy of every Atlas call. What is safe to repeat is repeated with
 * exponential backoff and jitter (or as Retry-After says), a bounded number of
 * times and never past the run's deadline. A create that may have reached Atlas is
 * never repeated blindly: the client looks for what it made before it tries again.
 */
import { AtlasError, OutOfTimeError, TOKEN_PATH, UnreadableAnswerError } from './errors.js'
import type { Env } from '../runner/runner.js'
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

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  maxRateLimitedAttempts: 20,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000
}

/**
 * The policy of a run. `ATLAS_EXPORT_BACKOFF_BASE_MS` shrinks the backoff (not the
 * number of attempts, nor Retry-After) so that the end-to-end tests can put a run
 * through every retry in a second; workflows never need it.
 */
export function retryPolicyFrom(env: Env): RetryPolicy {
  const base = Number(env.ATLAS_EXPORT_BACKOFF_BASE_MS)
  if (
    !env.ATLAS_EXPORT_BACKOFF_BASE_MS ||
    !Number.isInteger(base) ||
    base < 1 ||
    base > DEFAULT_RETRY_POLICY.baseDelayMs
  )
    return DEFAULT_RETRY_POLICY
  return {
    ...DEFAULT_RETRY_POLICY,
    baseDelayMs: base,
    maxDelayMs: base * (DEFAULT_RETRY_POLICY.maxDelayMs / DEFAULT_RETRY_POLICY.baseDelayMs)
  }
}

export function isRateLimited(error: unknown): boolean {
  return error instanceof AtlasError && error.status === 429
}

/**
 * - `safe`: Atlas cannot have acted on the request (429: its rate limit turns a request
 *   away before anything is done; nothing sent): repeat it.
 * - `ambiguous`: it may have reached Atlas (a timeout or reset after sending, a 2xx that
 *   cannot be read, 500, 502, 503, 504: a server error may come after the work was done):
 *   repeat a read; for a create, look first.
 * - `final`: an answer to report (400, 401, 403, 404, 409 ...).
 */
export type FailureKind = 'safe' | 'ambiguous' | 'final'

export function classify(error: unknown): FailureKind {
  // Out of time, the trouble is still what it was: a wait may still end at its deadline.
  if (error instanceof OutOfTimeError) return classify(error.cause)
  // The call itself was never sent: only its token request met the trouble.
  if (fromTokenRequest(error)) return classifyAnswer(error) === 'final' ? 'final' : 'safe'
  return classifyAnswer(error)
}

function classifyAnswer(error: unknown): FailureKind {
  if (error instanceof ConnectionError) {
    if (error.permanent) return 'final'
    return error.mayHaveReachedServer ? 'ambiguous' : 'safe'
  }
  if (error instanceof UnreadableAnswerError) return 'ambiguous'
  if (error instanceof AtlasError) {
    if (error.status === 429) return 'safe'
    if ([500, 502, 503, 504].includes(error.status)) return 'ambiguous'
  }
  return 'final'
}

/** Trouble that passes: a poll that meets it is tried again at the next interval. */
export function isTransient(error: unknown): boolean {
  return classify(error) !== 'final'
}

// RFC 9110 HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms.
const HTTP_DATE = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/
]

/**
 * Retry-After, read strictly (RFC 9110): delta-seconds or an HTTP-date, in ms from now.
 * Anything else (`1.5`, `-1`, `soon`) is undefined, and so are 0 and a date already
 * past: the normal backoff applies then, never "come back at once".
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  let ms: number
  if (/^\d+$/.test(text)) ms = Number(text) * 1000
  else if (HTTP_DATE.some(form => form.test(text))) ms = Date.parse(text.endsWith('GMT') ? text : `${text} GMT`) - now
  else return undefined
  return Number.isFinite(ms) && ms > 0 ? ms : undefined
}

/**
 * The wait before attempt `attempt + 1`. With Retry-After: at least that, plus up to
 * half again so parallel runs do not all come back in the same second. Without:
 * exponential (base * 2^(attempt-1), capped) with "equal jitter", a random wait
 * between half of that and all of it: spread out, and never next to nothing.
 */
export function backoffDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number
): number {
  if (retryAfterMs !== undefined) return Math.round(retryAfterMs * (1 + random() / 2))
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(ceiling * (0.5 + random() / 2))
}

export function retryAfterOf(error: unknown, now: number): number | undefined {
  return error instanceof AtlasError
    ? parseRetryAfter(String(error.response?.headers['retry-after'] ?? ''), now)
    : undefined
}

/** Pure: whether the trouble met the service account's token request, before the call it was for. */
export function fromTokenRequest(error: unknown): boolean {
  if (error instanceof OutOfTimeError) return fromTokenRequest(error.cause)
  if (error instanceof AtlasError) return error.request.url.endsWith(TOKEN_PATH)
  if (error instanceof ConnectionError || error instanceof UnreadableAnswerError)
    return error.where.split(' ')[1]?.endsWith(TOKEN_PATH) ?? false
  return false
}

/** Pure: the request a failure met, `call` (`GET …/exports`) or the token request made for it. */
export function failedRequest(error: unknown, call: string): string {
  return fromTokenRequest(error) ? `POST ${TOKEN_PATH} (the service-account token for ${call})` : call
}

/** One line for the log: what happened. */
export function failureSummary(error: unknown): string {
  if (error instanceof AtlasError)
    return `Atlas answered ${error.status}${error.errorCode ? ` ${error.errorCode}` : ''}`
  if (error instanceof ConnectionError) return `Could not reach Atlas (${error.reason})`
  if (error instanceof UnreadableAnswerError)
    return `Atlas answered ${error.status} with something unreadable (${error.why})`
  if (error instanceof Error) return error.message
  return String(error)
}
