/**
 * Durations as workflow authors write them: a plain number of seconds (`90`), or
 * hours, minutes and seconds in that order (`90s`, `15m`, `2h`, `1h30m`).
 */

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const
const COMPOUND = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/

/** Milliseconds, or `undefined` when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase()
  if (/^\d+$/.test(value)) return Number(value) * UNIT_MS.s
  const match = COMPOUND.exec(value)
  if (!match || value === '') return undefined
  const [, h = '0', m = '0', s = '0'] = match
  return Number(h) * UNIT_MS.h + Number(m) * UNIT_MS.m + Number(s) * UNIT_MS.s
}

/** `1h 5m 3s`, `14m 40s`, `45s`: for logs and the summary, whole seconds. */
export function formatDuration(ms: number): string {
  let seconds = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(seconds / 3600)
  seconds -= h * 3600
  const m = Math.floor(seconds / 60)
  seconds -= m * 60
  const parts: string[] = []
  if (h) parts.push(`${h}h`)
  if (m) parts.push(`${m}m`)
  if (seconds || parts.length === 0) parts.push(`${seconds}s`)
  return parts.join(' ')
}

/** `1 day`, `7 days`. */
export function days(count: number): string {
  return `${count} day${count === 1 ? '' : 's'}`
}
