/**
 * The GitHub runner as the action meets it: inputs, masking, outputs, the job summary,
 * the failure annotation, signals, the clock and the log. This module and log.ts are
 * the only ones that touch @actions/core; everything else is handed what it needs, so
 * the story of a run can be told in a test with a fake runner.
 */
import * as core from '@actions/core'

// core.ExitCode.Failure is 1; @github/local-action's stand-in for @actions/core has no
// ExitCode, and a run there must fail as it does on the runner.
const FAILURE = 1
import { onCancel, type CancelHandler } from './cancel.js'
import { realClock, type Clock } from './clock.js'
import { coreLog, type Log } from './log.js'

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
  /** The one failure annotation, and a red step. */
  fail(message: string, title: string): void
  /** Calls the handler once when the run is cancelled; returns a function that stops listening. */
  onCancel(handler: CancelHandler): () => void
}

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
    onCancel
  }
}
