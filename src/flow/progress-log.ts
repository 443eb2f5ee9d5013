/**
 * Calm progress logs for long waits. Exports take from about 15 minutes to hours:
 * every state change is a line at once; otherwise a heartbeat at most every few
 * minutes; each poll's details only under debug. A two-hour wait is tens of lines.
 */
import { formatDuration } from '../inputs/duration.js'
import type { Log } from '../runner/log.js'

export const HEARTBEAT_MS = 5 * 60_000

/** Progress of one thing in Atlas (`Export job 6a79…`, `Snapshot 6a79…`) while it is waited for. */
export class ProgressLog {
  private lastState: string
  private lastLineAt: number
  private polls = 0

  constructor(
    private readonly subject: string,
    initialState: string,
    private readonly startedAt: number,
    private readonly log: Log,
    /** How long a state may last without a line; a fleet run says its clusters' states all together instead. */
    private readonly heartbeatMs = HEARTBEAT_MS
  ) {
    this.lastState = initialState
    this.lastLineAt = startedAt
  }

  /** `detail`: what Atlas says of the progress, if anything (collections exported). */
  poll(state: string, detail: string | undefined, now: number): void {
    this.polls++
    const elapsed = formatDuration(now - this.startedAt)
    const more = detail ? ` (${detail})` : ''
    this.log.debug(`Poll ${this.polls} after ${elapsed}: ${state}${detail ? `, ${detail}` : ''}`)
    if (state !== this.lastState) {
      this.line(`${this.subject}: ${this.lastState} → ${state} after ${elapsed}${more}.`, now)
      this.lastState = state
    } else if (now - this.lastLineAt >= this.heartbeatMs) {
      this.line(`${this.subject} still ${state} after ${elapsed}${more}.`, now)
    }
  }

  private line(message: string, now: number): void {
    this.log.info(message)
    this.lastLineAt = now
  }
}
