/**
 * A cancelled workflow run: the runner sends SIGINT, then SIGTERM, and kills the step
 * a few seconds later. That is enough to give the service-account token back and
 * leave a summary saying where things stand; the export itself goes on in Atlas.
 */

export type CancelHandler = (signal: NodeJS.Signals) => Promise<void>

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']
/** The runner's grace between SIGINT and the kill is 7.5 s; stay well inside it. */
const CANCEL_BUDGET_MS = 4_000

/** Calls `handler` once on the first signal, then exits 130; returns a function that stops listening. */
export function onCancel(handler: CancelHandler): () => void {
  const listener = (signal: NodeJS.Signals): void => {
    stop()
    const done = (): never => process.exit(130)
    void Promise.race([handler(signal), new Promise(resolve => setTimeout(resolve, CANCEL_BUDGET_MS))]).then(done, done)
  }
  const stop = (): void => {
    for (const signal of SIGNALS) process.off(signal, listener)
  }
  for (const signal of SIGNALS) process.once(signal, listener)
  return stop
}
