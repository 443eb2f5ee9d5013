/**
 * The run's one log. Every line goes through `plain()`: text from a server (an error
 * detail, a job state, a bucket name) is data, and a line break in it must never start
 * a workflow command such as `::add-mask::` or `::error::` on the runner.
 */
import * as core from '@actions/core'

export interface Log {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  /** A folded section of the log (core.group). */
  group<T>(title: string, body: () => Promise<T>): Promise<T>
}

// C0 and C1 controls (tab kept), DEL, and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g

/** Pure: one line, every control character shown escaped (`\n`, `\r`, `\u001b`). */
export function plain(text: string): string {
  return text.replace(CONTROL, c => {
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/** The runner's log, through @actions/core, each message made one plain line. */
export const coreLog: Log = {
  debug: message => core.debug(plain(message)),
  info: message => core.info(plain(message)),
  warning: message => core.warning(plain(message)),
  group: (title, body) => core.group(plain(title), body)
}

/** The same log, each line starting with `prefix` (a fleet run's cluster name). */
export function prefixed(log: Log, prefix: string): Log {
  return {
    debug: message => log.debug(`${prefix}${message}`),
    info: message => log.info(`${prefix}${message}`),
    warning: message => log.warning(`${prefix}${message}`),
    group: (title, body) => log.group(`${prefix}${title}`, body)
  }
}
