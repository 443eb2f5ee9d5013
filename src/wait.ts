/**
 * Waiting for an export job to end: one GET per poll interval until the job is
 * Successful, Failed or Cancelled, or the deadline passes.
 */
import { formatDuration } from './duration.js'
import { isTerminal, type ExportJob } from './export-operations.js'

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms))
}

export interface WaitOptions {
  /** Absolute time (clock ms) after which no more polls are made. */
  readonly deadline: number
  readonly intervalMs: number
  readonly clock?: Clock
  /** Called with every job document a poll returns, before the next sleep. */
  readonly onPoll?: (job: ExportJob) => void
  /** Trouble that passes (after the client's own retries): the wait goes on to the next poll. */
  readonly isTransient?: (error: unknown) => boolean
  readonly onPollError?: (error: unknown) => void
}

export type WaitOutcome =
  | { readonly kind: 'ended'; readonly job: ExportJob }
  | { readonly kind: 'timed-out'; readonly job: ExportJob }

export async function waitForJob(
  initial: ExportJob,
  poll: () => Promise<ExportJob>,
  options: WaitOptions
): Promise<WaitOutcome> {
  const clock = options.clock ?? realClock
  let job = initial
  while (!isTerminal(job.state)) {
    const remaining = options.deadline - clock.now()
    if (remaining <= 0) return { kind: 'timed-out', job }
    // The last poll lands on the deadline, so a job that ends just in time is seen.
    await clock.sleep(Math.min(options.intervalMs, remaining))
    try {
      job = await poll()
    } catch (error) {
      if (!options.isTransient?.(error)) throw error
      options.onPollError?.(error)
      continue
    }
    options.onPoll?.(job)
  }
  return { kind: 'ended', job }
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

/** The wait ran out; the export itself goes on in Atlas. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly job: ExportJob,
    waitedMs: number
  ) {
    super(
      `Stopped waiting after ${formatDuration(waitedMs)} (wait-timeout): export job ${job.id} is still ${job.state}. ` +
        'The export goes on in Atlas; its outputs are set, and a later step or run can look it up by export-job-id.'
    )
    this.name = 'WaitTimeoutError'
  }
}
