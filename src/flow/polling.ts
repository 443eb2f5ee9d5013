/**
 * Waiting for something to end: one poll per interval until it is done or the deadline
 * passes. Trouble that passes does not end a wait; only the deadline does. What is
 * waited for, and what its end means, is follow.ts's business.
 */
import type { ExportJob } from '../backup/export-jobs.js'
import { formatDuration } from '../inputs/duration.js'
import type { Clock } from '../runner/clock.js'

export interface WaitOptions<T> {
  /** Absolute time (clock ms) after which no more polls are made. */
  readonly deadline: number
  readonly intervalMs: number
  /** The first poll comes this long after the start (default: one interval): many waits spread their polls. */
  readonly firstPollMs?: number | undefined
  readonly clock: Clock
  /** The run was cancelled: stop waiting at once. */
  readonly signal?: AbortSignal | undefined
  /** Called with every document a poll returns, before the next sleep. */
  readonly onPoll?: (value: T) => void
  /** Trouble that passes (after the client's own retries): the wait goes on to the next poll. */
  readonly isTransient?: (error: unknown) => boolean
  readonly onPollError?: (error: unknown) => void
}

export type WaitOutcome<T> = { readonly kind: 'ended' | 'timed-out'; readonly last: T }

export async function pollUntil<T>(
  initial: T,
  poll: () => Promise<T>,
  done: (value: T) => boolean,
  options: WaitOptions<T>
): Promise<WaitOutcome<T>> {
  const { clock } = options
  let last = initial
  let next = options.firstPollMs ?? options.intervalMs
  while (!done(last)) {
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) return { kind: 'timed-out', last }
    // The last poll lands on the deadline, so what ends just in time is seen.
    await clock.sleep(Math.min(next, remaining), options.signal)
    next = options.intervalMs
    try {
      last = await poll()
    } catch (error) {
      if (!options.isTransient?.(error)) throw error
      options.onPollError?.(error)
      continue
    }
    options.onPoll?.(last)
  }
  return { kind: 'ended', last }
}

/** The wait ran out; what was waited for goes on in Atlas. `afterword`: what that means and what to do. */
export class WaitTimeoutError extends Error {
  constructor(
    subject: string,
    state: string,
    waitedMs: number,
    afterword: string,
    /** The export job that is still running, when it was the job that was waited for. */
    readonly runningJob?: ExportJob
  ) {
    super(
      `Stopped waiting after ${formatDuration(waitedMs)} (wait-timeout): ${subject} is still ${state}. ${afterword}`
    )
    this.name = 'WaitTimeoutError'
  }
}
