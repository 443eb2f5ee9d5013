/**
 * `npm run emulator -- [port]`: the local Atlas emulator as a server, for running the
 * action by hand or from a workflow (`uses: ./` in CI) against it. The standard test
 * world: project b0123456789abcdef012345b, cluster cluster-989, bucket
 * 6a793f752c88faeba59bba56, the test API key and service account of
 * __tests__/support/scenario.ts. Stops on SIGINT/SIGTERM.
 */
import { startEmulator } from './atlas-emulator/emulator.js'
import { standardOptions } from './atlas-emulator/scenario.js'

const port = Number(process.argv[2] ?? 4242)
const emulator = await startEmulator(standardOptions(), port)
console.log(`Atlas emulator listening on ${emulator.url}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void emulator.close().then(() => process.exit(0)))
