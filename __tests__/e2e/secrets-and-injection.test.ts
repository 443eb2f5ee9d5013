/**
 * No secret is ever printed, also with debug on; text from a server never starts a workflow command.
 */
import { describe, expect, test } from 'vitest'
import { API_KEY, digestInputs, SERVICE_ACCOUNT, serviceAccountInputs } from '../../scripts/atlas-emulator/scenario.js'
import { runAction } from '../../scripts/run-action.js'
import { apiError, EXPORTS, failureOf, useEmulator } from './helpers.js'

const emulator = useEmulator()

describe.concurrent('secrets', () => {
  test('with step debug on, no secret appears anywhere but in its add-mask command', async ctx => {
    const atlas = await emulator({ exportTimeline: [{ state: 'Queued' }, { state: 'Successful' }] }, ctx)
    const digest = await runAction(
      digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'snapshot-id': 'latest' }),
      { env: { RUNNER_DEBUG: '1' } }
    )
    const sa = await runAction(
      serviceAccountInputs(atlas.url, { wait: 'true', 'poll-interval': '1s', 'cluster-name': 'nope' }),
      { env: { RUNNER_DEBUG: '1' } }
    )
    expect(digest.exitCode).toBe(0)
    expect(sa.exitCode).toBe(1)
    const tokens = [
      ...new Set(atlas.requests.filter(r => r.auth === 'bearer').map(r => String(r.headers.authorization).slice(7)))
    ]
    expect(tokens).toHaveLength(1)
    const basic = Buffer.from(`${SERVICE_ACCOUNT.clientId}:${SERVICE_ACCOUNT.clientSecret}`).toString('base64')
    const secrets = [API_KEY.privateKey, SERVICE_ACCOUNT.clientSecret, basic, ...tokens]
    for (const run of [digest, sa]) {
      const masks = run.stdout.split('\n').filter(line => line.startsWith('::add-mask::'))
      const rest =
        run.stdout
          .split('\n')
          .filter(line => !line.startsWith('::add-mask::'))
          .join('\n') +
        run.stderr +
        run.summary +
        JSON.stringify(run.outputs)
      for (const secret of secrets) expect(rest).not.toContain(secret)
      expect(rest).not.toMatch(/Digest username|response="/)
      expect(masks.length).toBeGreaterThan(0)
    }
    expect(digest.stdout).toContain(`::add-mask::${API_KEY.privateKey}`)
    expect(sa.stdout).toContain(`::add-mask::${SERVICE_ACCOUNT.clientSecret}`)
    expect(sa.stdout).toContain(`::add-mask::${tokens[0]}`)
  })

  test('a secret is masked even when the inputs are bad', async ctx => {
    const atlas = await emulator({}, ctx)
    const run = await runAction(digestInputs(atlas.url, { 'cluster-name': '' }))
    expect(run.exitCode).toBe(1)
    expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${API_KEY.privateKey}`)
  })
})

describe.concurrent('text from the server is data', () => {
  // What the server's text would do if it reached a line start; the action's own
  // ::add-mask:: of the key and its one ::error:: annotation are not among these.
  const injected = /^::(add-mask::(leak|Successful|everything)|error title=Pwned|warning::y|stop-commands)/
  const errors = (stdout: string) => stdout.split('\n').filter(line => line.startsWith('::error'))
  test('an error code and detail with line breaks never start a workflow command', async ctx => {
    const atlas = await emulator({}, ctx)
    // (A header cannot carry a line break: the code comes in the body only.)
    const { headers: _none, ...fault } = apiError(
      404,
      'CLUSTER_NOT_FOUND\n::add-mask::leak',
      'No cluster.\r\n::error title=Pwned::owned\n::stop-commands::x'
    )
    const { headers: _no, ...passing } = apiError(503, 'SERVICE_UNAVAILABLE\n::add-mask::leak')
    atlas.inject({ method: 'POST', path: EXPORTS, fault: passing })
    atlas.inject({ method: 'POST', path: EXPORTS, fault })
    const run = await runAction(digestInputs(atlas.url))
    expect(run.stdout).toContain('Atlas answered 503 SERVICE_UNAVAILABLE\\n::add-mask::leak to the create')
    expect(run.exitCode).toBe(1)
    expect(run.stdout.split('\n').filter(line => injected.test(line))).toEqual([])
    expect(errors(run.stdout)).toHaveLength(1)
    expect(failureOf(run).message).toContain('No cluster.')
  })

  test('a job state and state reason with line breaks, logged while waiting, stay on their line', async ctx => {
    const atlas = await emulator(
      {
        exportTimeline: [
          { state: 'Queued' },
          { state: 'InProgress\n::add-mask::Successful' },
          {
            state: 'Failed',
            stateReason: { errorCode: 'X\n::warning::y', message: 'bucket gone\n::add-mask::everything' }
          }
        ]
      },
      ctx
    )
    const run = await runAction(digestInputs(atlas.url, { wait: 'true', 'poll-interval': '1s' }))
    expect(run.exitCode).toBe(1)
    expect(run.stdout.split('\n').filter(line => injected.test(line))).toEqual([])
    expect(errors(run.stdout)).toHaveLength(1)
    expect(run.stdout).toContain('Queued → InProgress\\n::add-mask::Successful')
  })
})
