/**
 * What all requests of a run share, however many clusters it works at once: a few
 * requests in flight at most (a few connections, not one per cluster), and the pause
 * a 429's Retry-After asked for, which every request then waits out instead of each
 * meeting the rate limit on its own.
 */
import type { Clock } from '../runner/clock.js'

export class Throttle {
  private inFlight = 0
  private readonly waiting: Array<() => void> = []
  private pausedUntil = 0

  constructor(private readonly maxInFlight: number) {}

  /** Atlas asked the run to come back at `until` (clock ms). */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until)
  }

  /** Waits out a pause (never past `deadline`), then for a free place; resolves with its release. */
  async enter(clock: Clock, deadline: number, signal: AbortSignal | undefined): Promise<() => void> {
    const pause = Math.min(this.pausedUntil, deadline) - clock.now()
    if (pause > 0) await clock.sleep(pause, signal)
    if (this.inFlight >= this.maxInFlight) await new Promise<void>(resolve => this.waiting.push(resolve))
    this.inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      this.inFlight--
      this.waiting.shift()?.()
    }
  }
}
