/**
 * Calm progress logs for long waits. Exports take from about 15 minutes to hours:
 * every state change is a line at once; otherwise a heartbeat at most every few
 * minutes; each poll's details only under debug. A two-hour wait is tens of lines.
 */
import type { ExportJob } from './backup/export-jobs.js'
import { formatDuration } from './duration.js'
import type { Log } from './log.js'

export const HEARTBEAT_MS = 5 * 60_000

/** Pure: how long the export took, by Atlas's own clock (createdAt to finishedAt). */
export function exportDuration(job: ExportJob): number | undefined {
  const created = Date.parse(job.createdAt ?? '')
  const finished = Date.parse(job.finishedAt ?? '')
  return Number.isNaN(created) || Number.isNaN(finished) ? undefined : finished - created
}

/** Pure: what Atlas says of the collections, never as a percentage (it can stay 0/0 on success). */
export function collectionsText(job: ExportJob): string | undefined {
  const status = job.exportStatus
  if (!status || typeof status.totalCollections !== 'number' || status.totalCollections <= 0) return undefined
  return `${status.exportedCollections ?? 0} of ${status.totalCollections} collections exported`
}

/** Progress of one thing in Atlas (`Export job 6a79…`, `Snapshot 6a79…`) while it is waited for. */
export class ProgressLog {
  private lastState: string
  private lastLineAt: number
  private polls = 0

  constructor(
    private readonly subject: string,
    initialState: string,
    private readonly startedAt: number,
    private readonly log: Pick<Log, 'info' | 'debug'>
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
    } else if (now - this.lastLineAt >= HEARTBEAT_MS) {
      this.line(`${this.subject} still ${state} after ${elapsed}${more}.`, now)
    }
  }

  private line(message: string, now: number): void {
    this.log.info(message)
    this.lastLineAt = now
  }
}
