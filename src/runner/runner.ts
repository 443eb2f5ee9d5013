/**
 * The GitHub runner as the action meets it: inputs, masking, outputs, the job summary,
 * the failure annotation, cancellation, the clock and the log. This module and log.ts
 * are the only ones that touch @actions/core or the process; everything else is handed
 * what it needs, so the story of a run can be told in a test with a fake runner.
 */
import * as core from '@actions/core'
import { Cancellation } from './cancellation.js'
import { realClock, type Clock } from './clock.js'
import { coreLog, type Log } from './log.js'

/** Environment variables as the run was given them. */
export type Env = Readonly<Record<string, string | undefined>>

export interface Runner {
  readonly log: Log
  readonly clock: Clock
  /** The process environment: input fallbacks, the proxy, the workflow run. */
  readonly env: Env
  /** An input as the runner passes it (`INPUT_<NAME>`), '' when absent. */
  getInput(name: string): string
  /** Hides a secret in every later log line. */
  mask(secret: string): void
  setOutput(name: string, value: string): void
  appendSummary(markdown: string): Promise<void>
  /** A failure annotation (several in a run with several failures), and a red step. */
  fail(message: string, title: string): void
  readonly cancellation: Cancellation
}

// core.ExitCode.Failure is 1; @github/local-action's stand-in for @actions/core has no
// ExitCode, and a run there must fail as it does on the runner.
const FAILURE = 1
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']
/**
 * A cancelled workflow run: the runner sends SIGINT, then SIGTERM, and kills the step
 * 7.5 s after the first. That is enough to give the service-account token back and
 * leave a summary; the export itself goes on in Atlas. Stay well inside it.
 */
const CANCEL_BUDGET_MS = 4_000

export function actionsRunner(): Runner {
  return {
    log: coreLog,
    clock: realClock,
    env: process.env,
    getInput: name => core.getInput(name),
    mask: secret => core.setSecret(secret),
    setOutput: (name, value) => core.setOutput(name, value),
    appendSummary: async markdown => {
      await core.summary.addRaw(markdown).write()
    },
    fail: (message, title) => {
      // core.error escapes the message: text from Atlas in it cannot start a workflow command.
      core.error(message, { title })
      process.exitCode = FAILURE
    },
    cancellation: cancelledBySignals()
  }
}

/** Cancelled on the first SIGINT or SIGTERM; the process exits 130 once the handlers ran or the budget is spent. */
function cancelledBySignals(): Cancellation {
  const cancellation = new Cancellation()
  const listener = (signal: NodeJS.Signals): void => {
    for (const s of SIGNALS) process.off(s, listener)
    const exit = (): never => process.exit(130)
    const budget = new Promise(resolve => setTimeout(resolve, CANCEL_BUDGET_MS).unref())
    void Promise.race([cancellation.cancel(signal), budget]).then(exit, exit)
  }
  for (const signal of SIGNALS) process.once(signal, listener)
  return cancellation
}
