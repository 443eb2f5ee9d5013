import { afterEach, beforeEach, expect, test } from 'vitest'
import { startEmulator, type AtlasEmulator } from '../support/emulator.js'
import { runAction } from '../support/run-action.js'
import { digestInputs, standardOptions } from '../support/scenario.js'

let emu: AtlasEmulator
beforeEach(async () => { emu = await startEmulator(standardOptions({ log: console.log })) })
afterEach(async () => { await emu.close() })

test('smoke', async () => {
  const run = await runAction(digestInputs(emu.url, { wait: 'true', 'poll-interval': '1s', 'snapshot-id': 'latest' }))
  console.log(run.stdout, run.stderr, run.outputs)
  expect(run.exitCode).toBe(0)
})
