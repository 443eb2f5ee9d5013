import type { Log } from '../../src/runner/log.js'

/** A Log that keeps every line, by level, as the runner would show it. */
export function recordingLog(): Log & {
  readonly info: Log['info']
  readonly lines: { debug: string[]; info: string[]; warning: string[] }
} {
  const lines = { debug: [] as string[], info: [] as string[], warning: [] as string[] }
  return {
    lines,
    debug: message => void lines.debug.push(message),
    info: message => void lines.info.push(message),
    warning: message => void lines.warning.push(message),
    group: (_title, body) => body()
  }
}
