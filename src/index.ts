import { run } from './main.js'
import { actionsRunner } from './runner/runner.js'

// run() reports its own failures; this is the last guard, so that nothing, not even a
// bug, ends the step with a stack trace of minified code instead of one annotation.
const runner = actionsRunner()
try {
  await run(runner)
} catch (error) {
  runner.fail(error instanceof Error ? error.message : String(error), 'Atlas export failed')
}
