import { describe, expect, test } from 'vitest'
import { AtlasError, UnreadableAnswerError } from '../../src/atlas/errors.js'
import { ConnectionError } from '../../src/atlas/transport.js'
import { ExportJobFailedError } from '../../src/backup/export-jobs.js'
import { WaitTimeoutError } from '../../src/flow/polling.js'
import { InputError } from '../../src/inputs/inputs.js'
import type { ExportJob } from '../../src/backup/export-jobs.js'
import { cancelledFailure, describeFailure, inStage, StageError } from '../../src/report/failure.js'
import type { RunRecord, Stage } from '../../src/report/record.js'

const atlasError = (
  status: number,
  errorCode: string,
  url = 'https://cloud.mongodb.com/api/atlas/v2/groups/x/clusters/c/backup/exports'
) =>
  new AtlasError({
    status,
    method: 'POST',
    url,
    responseHeaders: new Headers(),
    body: JSON.stringify({ errorCode, detail: 'no.' }),
    authKind: 'digest',
    role: 'Project Backup Export Operator'
  })
const job = { id: 'j1', exportBucketId: 'b', state: 'InProgress' }

describe('describeFailure: each error by its kind, in the stage it escaped', () => {
  test.each<[string, unknown, string]>([
    ['a bad input', new InputError("Input 'wait' must be true or false"), 'bad-input'],
    ['an Atlas refusal', atlasError(403, 'USER_UNAUTHORIZED'), 'atlas-refused'],
    ['no answer', new ConnectionError('no answer within 30s', 'GET x', true, false), 'unreachable'],
    ['an unreadable answer', new UnreadableAnswerError(200, 'GET x', 'not JSON'), 'unreachable'],
    ['a Failed job', new ExportJobFailedError({ ...job, state: 'Failed' }, false), 'export-failed'],
    [
      'a wait that ran out on the job',
      new WaitTimeoutError('export job j1', 'InProgress', 1000, '.', job),
      'still-running'
    ],
    ['a snapshot wait that ran out', new WaitTimeoutError('on-demand snapshot s', 'inProgress', 1000, '.'), 'error'],
    ['anything else', new Error('boom'), 'error']
  ])('%s', (_what, error, kind) => {
    const failure = describeFailure(new StageError('create', error))
    expect(failure.kind).toBe(kind)
    expect(failure.stage).toBe('create')
    expect(failure.message).toBe((error as Error).message)
  })

  test("Atlas's code and hint are kept; a refused credential fails the sign-in, whatever the step", () => {
    expect(describeFailure(new StageError('create', atlasError(403, 'USER_UNAUTHORIZED')))).toMatchObject({
      errorCode: 'USER_UNAUTHORIZED',
      hint: expect.stringContaining('Project Backup Export Operator')
    })
    expect(describeFailure(new StageError('snapshot', atlasError(401, 'UNAUTHORIZED'))).stage).toBe('sign-in')
    expect(describeFailure(new StageError('snapshot', atlasError(403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST'))).stage).toBe(
      'sign-in'
    )
  })

  test('a job that had already ended says so', () => {
    expect(describeFailure(new ExportJobFailedError({ ...job, state: 'Cancelled' }, true))).toMatchObject({
      kind: 'export-failed',
      alreadyEnded: true
    })
  })
})

describe('inStage', () => {
  test('records the stage, and an error leaves it with that stage; an inner stage wins', async () => {
    const entered: string[] = []
    const enter = (stage: string) => void entered.push(stage)
    const error = await inStage('look', enter, () =>
      inStage('create', enter, () => Promise.reject(new Error('x')))
    ).catch((e: unknown) => e)
    expect(entered).toEqual(['look', 'create'])
    expect(error).toBeInstanceOf(StageError)
    expect((error as StageError).stage).toBe('create')
  })
})

test('a cancel names the job that goes on, or says there was none yet', () => {
  const one = (stage: Stage, j?: ExportJob): RunRecord => ({
    exports: [{ cluster: 'c', stage, ...(j ? { job: j } : {}) }]
  })
  expect(cancelledFailure('SIGINT', one('wait', job)).message).toBe(
    'The run was cancelled (SIGINT). Export job j1 (InProgress) goes on in Atlas; a re-run takes it over.'
  )
  expect(cancelledFailure('SIGTERM', one('snapshot'))).toEqual({
    kind: 'cancelled',
    stage: 'snapshot',
    message: 'The run was cancelled (SIGTERM) before an export job was created.'
  })
})
