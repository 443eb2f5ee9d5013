import { Cancellation } from '../../src/runner/cancellation.js'
import type { Runner } from '../../src/runner/runner.js'
import { fakeClock } from './fake-clock.js'
import { recordingLog } from './recording-log.js'

/** A runner in memory: inputs from a record, outputs, summaries and failures kept, a clock that moves when slept on. */
export function fakeRunner(inputs: Record<string, string>, clock = fakeClock(0)) {
  const log = recordingLog()
  const outputs: Record<string, string> = {}
  const summaries: string[] = []
  const failures: Array<{ message: string; title: string }> = []
  const masked: string[] = []
  const cancellation = new Cancellation()
  const runner: Runner = {
    log,
    clock,
    env: {},
    getInput: name => inputs[name] ?? '',
    mask: secret => void masked.push(secret),
    setOutput: (name, value) => void (outputs[name] = value),
    appendSummary: async markdown => void summaries.push(markdown),
    fail: (message, title) => void failures.push({ message, title }),
    cancellation
  }
  return {
    runner,
    log,
    clock,
    outputs,
    summaries,
    failures,
    masked,
    cancel: (signal: string) => cancellation.cancel(signal)
  }
}
