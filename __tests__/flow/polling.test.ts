import { describe, expect, test } from 'vitest'
import type { ExportJob } from '../../src/backup/export-jobs.js'
import { isTerminal } from '../../src/backup/export-jobs.js'
import { pollUntil, WaitTimeoutError, type WaitOptions } from '../../src/flow/polling.js'
import { fakeClock } from '../support/fake-clock.js'

const waitForJob = (initial: ExportJob, poll: () => Promise<ExportJob>, options: WaitOptions<ExportJob>) =>
  pollUntil(initial, poll, j => isTerminal(j.state), options)

const job = (state: string, extra: Partial<ExportJob> = {}): ExportJob => ({
  id: 'j1',
  exportBucketId: 'b',
  state,
  ...extra
})

describe('pollUntil an export job ends', () => {
  test('trouble that passes does not end the wait; other trouble does', async () => {
    const clock = fakeClock()
    const answers: Array<ExportJob | Error> = [new Error('503'), job('InProgress'), new Error('503'), job('Successful')]
    const errors: unknown[] = []
    const outcome = await pollUntil(
      job('Queued'),
      async () => {
        const next = answers.shift()
        if (next instanceof Error) throw next
        return next as ExportJob
      },
      j => isTerminal(j.state),
      {
        deadline: 1e9,
        intervalMs: 10,
        clock,
        isTransient: e => (e as Error).message === '503',
        onPollError: e => errors.push(e)
      }
    )
    expect(outcome.kind).toBe('ended')
    expect(errors).toHaveLength(2)
    await expect(
      pollUntil(
        job('Queued'),
        async () => Promise.reject(new Error('404')),
        j => isTerminal(j.state),
        { deadline: 1e9, intervalMs: 10, clock, isTransient: () => false }
      )
    ).rejects.toThrow('404')
  })

  test('one poll per interval until an end state; each polled job is reported', async () => {
    const clock = fakeClock()
    const states = ['Queued', 'InProgress', 'InProgress', 'Successful']
    const seen: string[] = []
    const outcome = await waitForJob(job('Queued'), async () => job(states.shift() ?? 'Successful'), {
      deadline: 3_600_000,
      intervalMs: 30_000,
      clock,
      onPoll: j => seen.push(j.state)
    })
    expect(outcome).toEqual({ kind: 'ended', last: job('Successful') })
    expect(seen).toEqual(['Queued', 'InProgress', 'InProgress', 'Successful'])
    expect(clock.sleeps).toEqual([30_000, 30_000, 30_000, 30_000])
  })

  test('an already ended job is not polled', async () => {
    let polls = 0
    const outcome = await waitForJob(job('Failed'), async () => (polls++, job('Failed')), {
      deadline: 10,
      intervalMs: 1,
      clock: fakeClock()
    })
    expect(outcome.kind).toBe('ended')
    expect(polls).toBe(0)
  })

  test('the last poll lands on the deadline, then the wait times out with the last job seen', async () => {
    const clock = fakeClock()
    let polls = 0
    const outcome = await waitForJob(job('Queued'), async () => (polls++, job('InProgress')), {
      deadline: 100_000,
      intervalMs: 30_000,
      clock
    })
    expect(outcome).toEqual({ kind: 'timed-out', last: job('InProgress') })
    expect(clock.sleeps).toEqual([30_000, 30_000, 30_000, 10_000])
    expect(polls).toBe(4)
  })

  test('a job that ends on the last poll is seen as ended', async () => {
    const clock = fakeClock()
    const states = ['InProgress', 'Successful']
    const outcome = await waitForJob(job('Queued'), async () => job(states.shift() as string), {
      deadline: 45_000,
      intervalMs: 30_000,
      clock
    })
    expect(outcome.kind).toBe('ended')
  })
})

describe('WaitTimeoutError', () => {
  test('says how long, what is still running and in which state, then the afterword', () => {
    const error = new WaitTimeoutError(
      'export job j1',
      'InProgress',
      3_000,
      'The export goes on in Atlas.',
      job('InProgress')
    )
    expect(error.message).toBe(
      'Stopped waiting after 3s (wait-timeout): export job j1 is still InProgress. The export goes on in Atlas.'
    )
    expect(error.runningJob?.id).toBe('j1')
  })
})
