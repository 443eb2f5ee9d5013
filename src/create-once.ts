/**
 * Creating something in Atlas without ever creating it twice. A create that may have
 * reached Atlas (a timeout or reset after sending, 500, 502, 504) is not repeated
 * blindly: first look for what it may have made; only when nothing is found, send it
 * again. What Atlas surely did not act on (429, 503, nothing sent) the client already
 * repeats; everything else is thrown.
 */
import { classify, failureSummary } from './atlas/retry.js'

export interface CreateOnce<T> {
  /** `the create`, `the snapshot request`: for the log. */
  readonly what: string
  readonly create: () => Promise<T>
  /** What an attempt that began at `since` (ms) made, if Atlas made anything. */
  readonly find: (since: number) => Promise<T | undefined>
  /** The log line for what `find` found. */
  readonly found: (value: T) => string
  readonly info: (message: string) => void
  readonly now?: () => number
  readonly maxAttempts?: number
}

export async function createOnce<T>(spec: CreateOnce<T>): Promise<{ value: T; recovered: boolean }> {
  const now = spec.now ?? Date.now
  for (let attempt = 1; ; attempt++) {
    const since = now()
    try {
      return { value: await spec.create(), recovered: false }
    } catch (error) {
      if (classify(error) !== 'ambiguous') throw error
      spec.info(`${failureSummary(error)} to ${spec.what}, which may have reached Atlas: looking before trying again.`)
      const made = await spec.find(since)
      if (made !== undefined) {
        spec.info(spec.found(made))
        return { value: made, recovered: true }
      }
      if (attempt >= (spec.maxAttempts ?? 3)) throw error
      spec.info(`Nothing was made: sending ${spec.what} again.`)
    }
  }
}
