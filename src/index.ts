import * as core from '@actions/core'

// core.ExitCode.Failure is 1; @github/local-action's stand-in for @actions/core has no
// ExitCode, and a run there must fail as it does on the runner.
const FAILURE = 1
import { run } from './main.js'

// run() reports its own failures; this is the last guard, so that nothing, not even a
// bug, ends the step with a stack trace of minified code instead of one annotation.
try {
  await run()
} catch (error) {
  core.error(error instanceof Error ? error.message : String(error), { title: 'Atlas export failed' })
  process.exitCode = FAILURE
}
