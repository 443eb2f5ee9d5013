/**
 * The story of a run, told in-process with a fake runner and a fake clock shared with
 * the emulator: hours of waiting in milliseconds, every request real.
 */
import { describe, expect, test } from 'vitest'
import { formatDuration } from '../src/inputs/duration.js'
import { run } from '../src/main.js'
import { fakeClock } from './support/fake-clock.js'
import { fakeRunner } from './support/fake-runner.js'
import { digestInputs, serviceAccountInputs } from '../scripts/atlas-emulator/scenario.js'
import { useEmulator } from './support/use-emulator.js'

const emulator = useEmulator()
const START = Date.parse('2026-12-01T02:00:00Z')

describe('run(): a long wait on a fake clock', () => {
  test('a two-hour export polled every 30 s: 240 polls, a calm log, every output, one summary', async () => {
    const clock = fakeClock(START)
    // Queued 20 minutes, then 100 minutes InProgress, then Successful: Atlas moves with time.
    const steps = [
      { state: 'Queued' },
      ...Array.from({ length: 5 }, () => ({ state: 'InProgress' })),
      { state: 'Successful' }
    ]
    const atlas = await emulator({ exportTimeline: steps, timelineStepMs: 20 * 60_000, now: clock.now })
    const fake = fakeRunner(digestInputs(atlas.url, { wait: 'true', 'wait-timeout': '3h' }), clock)
    await run(fake.runner)
    expect(fake.failures).toEqual([])
    const polls = atlas.apiRequests({ method: 'GET', path: /exports\/[0-9a-f]{24}$/ }).filter(r => r.auth === 'digest')
    expect(polls).toHaveLength(240)
    expect(fake.outputs.state).toBe('Successful')
    expect(clock.now() - START).toBe(2 * 3_600_000)
    const visible = fake.log.lines.info.filter(line => /^Export job /.test(line))
    // A line at each change of state, and a heartbeat every 5 minutes between: 25 lines for 240 polls.
    expect(visible).toEqual([
      ...['5m', '10m', '15m'].map(after => expect.stringMatching(new RegExp(`still Queued after ${after}\\.$`))),
      expect.stringMatching(/Queued → InProgress after 20m\.$/),
      ...Array.from({ length: 19 }, (_, i) =>
        expect.stringMatching(new RegExp(`still InProgress after ${formatDuration((25 + 5 * i) * 60_000)}\\.$`))
      ),
      expect.stringMatching(/InProgress → Successful after 2h/),
      expect.stringMatching(/is Successful; files under exported_snapshots\//)
    ])
    expect(fake.summaries).toHaveLength(1)
    expect(fake.summaries[0]).toContain('| Duration | 2h |')
  })

  test('a wait that runs out ends exactly at wait-timeout, not a poll later, with the job still named', async () => {
    const clock = fakeClock(START)
    const atlas = await emulator({
      exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }],
      timelineStepMs: 60_000,
      now: clock.now
    })
    const fake = fakeRunner(
      digestInputs(atlas.url, { wait: 'true', 'wait-timeout': '1h', 'poll-interval': '7m' }),
      clock
    )
    await run(fake.runner)
    expect(clock.now() - START).toBe(3_600_000)
    // Polls at 7, 14, ... 56 minutes and the last on the deadline itself.
    expect(
      atlas.apiRequests({ method: 'GET', path: /exports\/[0-9a-f]{24}$/ }).filter(r => r.auth === 'digest')
    ).toHaveLength(9)
    expect(fake.failures).toEqual([
      {
        title: 'Atlas export still running: the wait stopped (wait-timeout)',
        message: expect.stringMatching(
          /^Stopped waiting after 1h \(wait-timeout\): export job [0-9a-f]{24} is still InProgress\./
        )
      }
    ])
    expect(fake.summaries[0]).toMatch(/^## ⏳ Atlas export still running: the wait stopped \(wait-timeout\)\n/)
    expect(fake.failures[0]?.message).toContain(
      `give export-job-id: ${atlas.jobs[0]?.id} to a later step with wait: true`
    )
    expect(fake.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
  })

  test('passing trouble during the wait costs retries, not the run; retries back off on the same clock', async () => {
    const clock = fakeClock(START)
    const atlas = await emulator({
      exportTimeline: [{ state: 'Queued' }, { state: 'Successful' }],
      timelineStepMs: 10 * 60_000,
      now: clock.now
    })
    atlas.inject({
      method: 'GET',
      path: /exports\/[0-9a-f]{24}$/,
      times: 8,
      fault: { status: 503, body: '{"error":503,"errorCode":"SERVICE_UNAVAILABLE"}' }
    })
    const fake = fakeRunner(digestInputs(atlas.url, { wait: 'true' }), clock)
    await run(fake.runner)
    expect(fake.failures).toEqual([])
    expect(fake.outputs.state).toBe('Successful')
    // Five retries of the first poll (0.75 s, 1.5 s, 3 s, 6 s, 12 s with the fake jitter), then the wait went on.
    expect(clock.sleeps.slice(1, 6)).toEqual([750, 1500, 3000, 6000, 12000])
    expect(fake.log.lines.info).toContain(
      'This poll failed (Atlas answered 503 SERVICE_UNAVAILABLE); the wait goes on.'
    )
  })
})

describe('run(): cancelled', () => {
  test('the summary is written, the wait stops, the token goes back, and nothing else is asked of Atlas', async () => {
    const clock = fakeClock(START)
    const atlas = await emulator({
      exportTimeline: [{ state: 'Queued' }, { state: 'InProgress' }],
      timelineStepMs: 60_000,
      now: clock.now
    })
    const fake = fakeRunner(serviceAccountInputs(atlas.url, { wait: 'true' }), clock)
    let requestsAtCancel = 0
    const info = fake.log.info
    fake.log.info = (message: string) => {
      info(message)
      if (message.startsWith('Waiting for export job')) {
        requestsAtCancel = atlas.requests.length
        void fake.cancel('SIGINT')
      }
    }
    await run(fake.runner)
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(fake.summaries).toHaveLength(1)
    expect(fake.summaries[0]).toMatch(
      /The run was cancelled \(SIGINT\)\. Export job [0-9a-f]{24} \(Queued\) goes on in Atlas; a re-run takes it over\./
    )
    expect(atlas.requests.slice(requestsAtCancel).map(r => r.path)).toEqual(['/api/oauth/revoke'])
    expect(atlas.tokens.size).toBe(0)
    expect(fake.failures).toEqual([])
  })
})

describe("run(): no decision from the runner's clock", () => {
  test('a runner 5 minutes ahead of Atlas, a lost create answer: the job it made is found, one job', async () => {
    const clock = fakeClock(Date.now() + 5 * 60_000)
    const atlas = await emulator()
    atlas.inject({
      method: 'POST',
      path: /\/backup\/exports$/,
      afterProcessing: true,
      fault: { status: 500, body: '{"error":500,"errorCode":"UNEXPECTED_ERROR"}' }
    })
    const fake = fakeRunner(digestInputs(atlas.url), clock)
    await run(fake.runner)
    expect(fake.failures).toEqual([])
    expect(atlas.jobs).toHaveLength(1)
    // Found by the look's list, not sent again (Atlas's 409 would only have hidden a second create).
    expect(
      atlas.apiRequests({ method: 'POST', path: /\/backup\/exports$/ }).filter(r => r.auth === 'digest')
    ).toHaveLength(1)
    expect(fake.log.lines.info).toContain(
      `Found export job ${atlas.jobs[0]?.id} (Queued) created by that request: using it.`
    )
    expect(fake.outputs['export-job-id']).toBe(atlas.jobs[0]?.id)
  })
})
