import { afterEach } from 'vitest'
import { startEmulator, type AtlasEmulator, type EmulatorOptions } from '../../scripts/atlas-emulator/emulator.js'
import { standardOptions } from '../../scripts/atlas-emulator/scenario.js'

type OnFinished = (fn: () => Promise<void>) => void

/**
 * A fresh emulator for the test, closed after it. Concurrent tests pass their own
 * context's `onTestFinished`, since global hooks cannot tell concurrent tests apart.
 */
export function useEmulator(): (
  extra?: EmulatorOptions,
  ctx?: { onTestFinished: OnFinished }
) => Promise<AtlasEmulator> {
  const started: AtlasEmulator[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map(e => e.close()))
  })
  return async (extra = {}, ctx) => {
    const emulator = await startEmulator(standardOptions(extra))
    if (ctx) ctx.onTestFinished(() => emulator.close())
    else started.push(emulator)
    return emulator
  }
}
