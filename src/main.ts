/**
 * One run of the action: read the inputs, sign in, find the bucket, export the cluster,
 * and leave outputs, annotations and a summary behind whatever happens. The run's record
 * is the single source of all three.
 */
import type { AtlasClient } from './atlas/client.js'
import { createAtlasClient } from './atlas/create-client.js'
import { exportAll } from './flow/exports.js'
import { getInputs } from './inputs/inputs.js'
import { settingsLines } from './inputs/settings-text.js'
import { actionsRunner, type Runner } from './runner/runner.js'
import { currentWorkflowRun } from './runner/workflow-run.js'
import { cancelledFailure, describeFailure, inStage, stackOf } from './report/failure.js'
import { OutputWriter, outputsOf } from './report/outputs.js'
import { Recorder, type RunRecord, type Stage } from './report/record.js'
import { annotationsOf } from './report/annotations.js'
import { renderSummary } from './report/summary.js'

export async function run(runner: Runner = actionsRunner()): Promise<void> {
  const { log, clock, cancellation } = runner
  const startedAt = clock.now()
  const outputs = new OutputWriter((name, value) => runner.setOutput(name, value))
  const recorder = new Recorder(record => outputs.write(outputsOf(record)))
  const at = (stage: Stage): void => recorder.run(record => void (record.stage = stage))
  let client: AtlasClient | undefined
  // A cancelled run: the summary first (it is what the user sees), then the token
  // back, within the runner's grace; the flow stops at its next step.
  const stopWatching = cancellation.onCancel(async signal => {
    const failure = cancelledFailure(signal, recorder.record)
    record(runner, recorder, r => void (r.failure = failure))
    log.info(failure.message)
    await writeSummary(runner, recorder.record)
    await client?.close()
  })
  try {
    const inputs = await inStage('inputs', at, () => getInputs(runner))
    recorder.run(r => {
      r.settings = inputs
      r.fleet = inputs.fleet
    })
    if (!inputs.fleet) recorder.export(inputs.clusterName, () => {})
    await log.group('Settings', async () => settingsLines(inputs).forEach(line => log.info(line)))
    // wait-timeout bounds the whole run: snapshot, create and wait, retries included.
    const deadline = startedAt + inputs.waitTimeoutMs
    const { signal } = cancellation
    client = createAtlasClient(inputs, { deadline, log, clock, env: runner.env, mask: runner.mask, signal })
    const follow = { deadline, intervalMs: inputs.pollIntervalMs, startedAt, log, clock, signal }
    const context = { client, inputs, recorder, follow, workflowRun: currentWorkflowRun(runner.env), log }
    await exportAll(context, at)
  } catch (error) {
    // After a cancel the handler above reports; what the flow throws then is its echo.
    if (!cancellation.signal.aborted) {
      const stack = stackOf(error)
      if (stack) log.debug(stack)
      record(runner, recorder, r => void (r.failure = describeFailure(error)))
    }
  } finally {
    stopWatching()
    if (!cancellation.signal.aborted) await client?.close()
  }
  if (cancellation.signal.aborted) return
  record(runner, recorder, r => void (r.ended = true))
  await report(runner, recorder.record)
}

/** A change to the record whose outputs may not be writable (that failure is already the run's). */
function record(runner: Runner, recorder: Recorder, change: (record: RunRecord) => void): void {
  try {
    recorder.run(change)
  } catch (error) {
    runner.log.debug(`Outputs not written: ${(error as Error).message}`)
  }
}

/** The end of a run: an annotation per failure (no stack trace), the job document, the summary. */
async function report(runner: Runner, record: RunRecord): Promise<void> {
  for (const { message, title } of annotationsOf(record)) runner.fail(message, title)
  const job = record.exports.length === 1 ? record.exports[0]?.job : undefined
  if (job) {
    await runner.log.group('Export job document', async () =>
      JSON.stringify(job, null, 2)
        .split('\n')
        .forEach(line => runner.log.info(line))
    )
  }
  await writeSummary(runner, record)
}

/**
 * The summary is always written: what cannot be rendered is said plainly instead. Outside
 * a runner (no GITHUB_STEP_SUMMARY) there is nowhere to write it, which is fine; a summary
 * file that cannot be written is a warning, not silence.
 */
async function writeSummary(runner: Runner, record: RunRecord): Promise<void> {
  let markdown: string
  try {
    markdown = renderSummary(record)
  } catch (error) {
    runner.log.debug(`The summary could not be rendered: ${(error as Error).stack ?? String(error)}`)
    markdown =
      '## Atlas snapshot export\n\nThis summary could not be rendered; the step outputs and the log say what happened.\n'
  }
  try {
    await runner.appendSummary(markdown)
  } catch (error) {
    const say = runner.env.GITHUB_STEP_SUMMARY ? runner.log.warning : runner.log.debug
    say(`No job summary written: ${(error as Error).message}`)
  }
}
