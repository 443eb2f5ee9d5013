/**
 * Calm progress logs for long waits. Exports take from about 15 minutes to hours:
 * every state change is a line at once; otherwise a heartbeat at most every few
 * minutes; each poll's details only under debug. A two-hour wait is tens of lines.
 */
import { formatDuration } from './duration.js'
import type { ExportJob } from './export-operations.js'

export interface ProgressSink {
  info(message: string): void
  debug(message: string): void
}

export const HEARTBEAT_MS = 5 * 60_000

/** Pure: what Atlas says of the collections, never as a percentage (it can stay 0/0 on success). */
export function collectionsText(job: ExportJob): string | undefined {
  const status = job.exportStatus
  if (!status || typeof status.totalCollections !== 'number' || status.totalCollections <= 0) return undefined
  return `${status.exportedCollections ?? 0} of ${status.totalCollections} collections exported`
}

export class ProgressLog {
  private lastState: string
  private lastLineAt: number
  private polls = 0

  constructor(
    initial: ExportJob,
    private readonly startedAt: number,
    private readonly sink: ProgressSink,
    private readonly heartbeatMs = HEARTBEAT_MS
  ) {
    this.lastState = initial.state
    this.lastLineAt = startedAt
  }

  poll(job: ExportJob, now: number): void {
    this.polls++
    const elapsed = formatDuration(now - this.startedAt)
    const collections = collectionsText(job)
    this.sink.debug(`Poll ${this.polls} after ${elapsed}: ${job.state}${collections ? `, ${collections}` : ''}`)
    if (job.state !== this.lastState) {
      this.line(`Export job ${job.id}: ${this.lastState} → ${job.state} after ${elapsed}${collections ? ` (${collections})` : ''}.`, now)
      this.lastState = job.state
    } else if (now - this.lastLineAt >= this.heartbeatMs) {
      this.line(`Export job ${job.id} still ${job.state} after ${elapsed}${collections ? ` (${collections})` : ''}.`, now)
    }
  }

  private line(message: string, now: number): void {
    this.sink.info(message)
    this.lastLineAt = now
  }
}
