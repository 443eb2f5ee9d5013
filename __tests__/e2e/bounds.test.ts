/**
 * Bounded in everything: what a server sends can never take the run past its bounds
 * (memory, time, text), and an answer fetch's Response cannot represent is still an answer.
 */
import { describe, expect, test } from 'vitest'
import { digestInputs } from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { failureOf, ONE_JOB, SNAPSHOTS, useEmulator } from './helpers.js'

const emulator = useEmulator()
/** The bundle with a heap far smaller than what the hostile answers would need. */
const smallHeap = { env: { NODE_OPTIONS: '--max-old-space-size=96' } }
const notFound = JSON.stringify({
  detail: 'No cluster named cluster-989 exists in group b0123456789abcdef012345b.',
  error: 404,
  errorCode: 'CLUSTER_NOT_FOUND',
  parameters: [],
  reason: 'Not Found'
})

describe.concurrent('bounded answers', () => {
  test('a body that never ends is an unreadable answer, read again; the run stays small and goes on', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'GET', path: SNAPSHOTS, fault: { endless: true } })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }), smallHeap)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/larger than 16 MiB, which no Atlas answer is/)
    expect(atlas.jobs).toHaveLength(1)
  })

  test('a gzip answer that unpacks past the bound is unreadable too, and the wait goes on', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'Successful' }] }, ctx)
    atlas.inject({ method: 'GET', path: ONE_JOB, fault: { gzipZeros: 64 * 1024 * 1024 } })
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }), smallHeap)
    expect(run.exitCode).toBe(0)
    expect(run.outputs.state).toBe('Successful')
    expect(run.stdout).toContain('larger than 16 MiB')
  })
})

describe.concurrent('an answer fetch cannot represent is still an answer', () => {
  test.for(['404 Não encontrado', '404 Not Found'])(
    '%s: Atlas\'s error, at once, not "could not reach"',
    async (line, ctx) => {
      const atlas = await emulator({}, ctx)
      atlas.inject({ method: 'GET', path: SNAPSHOTS, times: 10, fault: { statusLine: line, body: notFound } })
      const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
      expect(run.exitCode).toBe(1)
      expect(failureOf(run).message).toBe(
        'Atlas API 404 CLUSTER_NOT_FOUND: No cluster named cluster-989 exists in group b0123456789abcdef012345b.'
      )
      expect(atlas.apiRequests({ method: 'GET', path: SNAPSHOTS }).filter(r => r.auth !== 'none')).toHaveLength(1)
    }
  )

  test('a status outside 200-599 is told with its number', async ctx => {
    const atlas = await emulator({}, ctx)
    atlas.inject({ method: 'GET', path: SNAPSHOTS, times: 10, fault: { statusLine: '600 Odd', body: '{}' } })
    const run = await runAction(digestInputs(atlas.url, { 'snapshot-id': 'latest' }))
    expect(run.exitCode).toBe(1)
    expect(failureOf(run).message).toMatch(/^Atlas API 600/)
  })
})
