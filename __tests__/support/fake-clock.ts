import { CancelledError } from '../../src/runner/cancellation.js'
import type { Clock } from '../../src/runner/clock.js'

/**
 * A clock that moves only when something sleeps on it: hours of waiting in microseconds.
 * Like the real one, a sleep on an aborted signal rejects with CancelledError.
 */
export function fakeClock(start = 0, random = 0.5): Clock & { readonly sleeps: number[]; advance(ms: number): void } {
  let now = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new CancelledError()
      sleeps.push(ms)
      now += ms
      // A turn of the event loop, as a real timer gives: a cancel can land between sleeps.
      await new Promise(resolve => setImmediate(resolve))
      if (signal?.aborted) throw new CancelledError()
    },
    random: () => random,
    advance: ms => {
      now += ms
    }
  }
}
