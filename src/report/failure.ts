/**
 * What went wrong, as the record keeps it: each step runs in its stage, and an error
 * that escapes it is told by its kind, never by a display string.
 */
import { AtlasError, isSignInFailure, OutOfTimeError, UnreadableAnswerError } from '../atlas/errors.js'
import { ConnectionError } from '../atlas/transport.js'
import { ExportJobFailedError, isTerminal } from '../backup/export-jobs.js'
import { WaitTimeoutError } from '../flow/polling.js'
import { InputError } from '../inputs/inputs.js'
import type { Failure, RunRecord, Stage } from './record.js'
import { clip } from './text.js'

/** An error and the stage it escaped from. */
export class StageError extends Error {
  constructor(
    readonly stage: Stage,
    override readonly cause: unknown
  ) {
    super(cause instanceof Error ? cause.message : String(cause))
    this.name = 'StageError'
  }
}

/** Runs one step of the run in its stage: `enter` records where the run is; an error leaves it with the stage named. */
export async function inStage<T>(stage: Stage, enter: (stage: Stage) => void, step: () => Promise<T> | T): Promise<T> {
  enter(stage)
  try {
    return await step()
  } catch (error) {
    throw error instanceof StageError ? error : new StageError(stage, error)
  }
}

/**
 * How much of a failure's text (Atlas's detail, a server's page) the run repeats: an
 * annotation, a summary section and an `exports` element each stay small, whatever a
 * server sends. The rest is left out with a visible mark.
 */
export const MAX_FAILURE_TEXT = 4_000
const MAX_CODE_TEXT = 200

/** Pure: the failure an error means, its server text clipped. */
export function describeFailure(thrown: unknown): Failure {
  const failure = thrown instanceof StageError ? failureOf(thrown.stage, thrown.cause) : failureOf(undefined, thrown)
  return {
    ...failure,
    message: clip(failure.message, MAX_FAILURE_TEXT),
    ...(failure.errorCode === undefined ? {} : { errorCode: clip(failure.errorCode, MAX_CODE_TEXT) }),
    ...(failure.hint === undefined ? {} : { hint: clip(failure.hint, MAX_FAILURE_TEXT) })
  }
}

/** The stack of what a step threw, for debug lines (never shown otherwise). */
export function stackOf(thrown: unknown): string | undefined {
  const error = thrown instanceof StageError ? thrown.cause : thrown
  return error instanceof Error ? error.stack : undefined
}

/** A refused credential or address fails the sign-in, whatever the step. */
function failureOf(stage: Stage | undefined, error: unknown): Failure {
  // Out of time: told as Atlas's answer was, in the words that say the run stopped.
  if (error instanceof OutOfTimeError) return { ...failureOf(stage, error.cause), stage, message: error.message }
  const message = error instanceof Error ? error.message : String(error)
  if (error instanceof InputError) return { kind: 'bad-input', stage, message }
  if (error instanceof AtlasError) {
    return {
      kind: 'atlas-refused',
      stage: isSignInFailure(error) ? 'sign-in' : stage,
      message,
      errorCode: error.errorCode,
      hint: error.hint
    }
  }
  if (error instanceof ExportJobFailedError) {
    return { kind: 'export-failed', stage, message, errorCode: error.errorCode, alreadyEnded: error.alreadyEnded }
  }
  if (error instanceof WaitTimeoutError && error.runningJob) return { kind: 'still-running', stage, message }
  if (error instanceof ConnectionError || error instanceof UnreadableAnswerError)
    return { kind: 'unreachable', stage, message }
  return { kind: 'error', stage, message }
}

/** Pure: a cancelled run, and where its exports stand. */
export function cancelledFailure(signal: string, record: RunRecord): Failure {
  if (record.fleet) {
    const jobs = record.exports.filter(e => e.job && !isTerminal(e.job.state)).length
    const message = `The run was cancelled (${signal}). ${jobs} export job${jobs === 1 ? '' : 's'} go${jobs === 1 ? 'es' : ''} on in Atlas (each named below); a re-run takes them over.`
    return { kind: 'cancelled', stage: record.stage, message }
  }
  const one = record.exports[0]
  const job = one?.job
  const message = job
    ? `The run was cancelled (${signal}). Export job ${job.id} (${job.state}) goes on in Atlas; a re-run takes it over.`
    : `The run was cancelled (${signal}) before an export job was created.`
  return { kind: 'cancelled', stage: one?.stage ?? record.stage, message }
}
