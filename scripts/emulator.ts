/**
 * `npm run emulator -- [port]`: the local Atlas emulator as a server, for running the
 * action by hand (`@github/local-action`) or from a workflow (`uses: ./` in CI) against
 * it. The standard test world: project b0123456789abcdef012345b, cluster cluster-989,
 * bucket 6a793f752c88faeba59bba56, the test API key and service account of
 * scripts/atlas-emulator/scenario.ts. Prints the env file to run against it and its own
 * process id; stops on SIGINT/SIGTERM, and when whoever started it (npm) is gone.
 */
import { startEmulator } from './atlas-emulator/emulator.js'
import { localActionEnv, standardOptions } from './atlas-emulator/scenario.js'

const port = Number(process.argv[2] ?? 4242)
const emulator = await startEmulator(standardOptions(), port)
console.log(`Atlas emulator listening on ${emulator.url} (process ${process.pid}; stop it with: kill ${process.pid})`)
console.log(`\nFor @github/local-action, put this in .env (it is .env.example for port 4242):\n`)
console.log(localActionEnv(emulator.url))
const stop = (): void => void emulator.close().then(() => process.exit(0))
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop)
// `kill $!` after `npm run emulator &` stops npm, not this process: stop with it.
const parent = process.ppid
setInterval(() => {
  if (process.ppid !== parent) stop()
}, 500).unref()
