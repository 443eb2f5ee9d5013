/**
 * Waiting for something in Atlas to end (an export job, an on-demand snapshot): one
 * GET per poll interval until it is done or the deadline passes. Trouble that passes
 * does not end a wait; only the deadline does.
 */
import { realClock, type Clock } from './clock.js'
import { formatDuration } from './duration.js'
import type { ExportJob } from './export-jobs.js'

export interface WaitOptions<T> {
  /** Absolute time (clock ms) after which no more polls are made. */
  readonly deadline: number
  readonly intervalMs: number
  readonly clock?: Clock
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
  const clock = options.clock ?? realClock
  let last = initial
  while (!done(last)) {
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) return { kind: 'timed-out', last }
    // The last poll lands on the deadline, so what ends just in time is seen.
    await clock.sleep(Math.min(options.intervalMs, remaining), options.signal)
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

/** The job ended Failed or Cancelled: the message carries Atlas's stateReason. */
export class ExportJobFailedError extends Error {
  readonly errorCode: string | undefined
  constructor(readonly job: ExportJob) {
    const reason = job.stateReason
    const why = reason?.errorCode || reason?.message ? `: ${[reason.errorCode, reason.message].filter(Boolean).join(': ')}` : ' (Atlas gave no reason)'
    super(`Export job ${job.id} ended ${job.state}${why}`)
    this.name = 'ExportJobFailedError'
    this.errorCode = reason?.errorCode
  }
}

/** The wait ran out; what was waited for goes on in Atlas. */
export class WaitTimeoutError extends Error {
  constructor(subject: string, state: string, waitedMs: number, afterword: string) {
    super(`Stopped waiting after ${formatDuration(waitedMs)} (wait-timeout): ${subject} is still ${state}. ${afterword}`)
    this.name = 'WaitTimeoutError'
  }

  static forJob(job: ExportJob, waitedMs: number): WaitTimeoutError {
    return new WaitTimeoutError(
      `export job ${job.id}`,
      job.state,
      waitedMs,
      'The export goes on in Atlas; its outputs are set, and a later step or run can look it up by export-job-id.'
    )
  }
}
