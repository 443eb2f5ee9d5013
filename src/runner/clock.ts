/**
 * Time, as the run sees it. Everything that waits, times out or draws a random jitter
 * takes a Clock, so tests can drive hours of waiting in milliseconds.
 */
import { CancelledError } from './cancellation.js'

export interface Clock {
  now(): number
  /** Resolves after `ms`, or rejects with CancelledError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** In [0, 1): the jitter of retries. */
  random(): number
}

// Timers overflow past 2^31-1 ms (about 24.8 days): Node then fires them at once.
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Deadlines and waits are measured on a monotonic clock (performance.now, counted from
 * the process's start in epoch ms): a step of the runner's wall clock neither ends a wait
 * early nor lets it overrun.
 */
export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError())
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(new CancelledError())
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.min(Math.max(0, ms), MAX_TIMER_MS)
      )
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
  random: () => Math.random()
}
