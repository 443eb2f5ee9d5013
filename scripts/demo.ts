/**
 * `npm run demo`: runs the committed action bundle for real against the local Atlas
 * emulator, the way the GitHub runner would, and prints its log, outputs and summary.
 *
 *   npm run demo                      API key (Digest), snapshot `latest`, wait until done
 *   npm run demo -- --service-account the same with a service account
 *   npm run demo -- --failed-job      an export that ends Failed (the step goes red)
 */
import { startEmulator } from './atlas-emulator/emulator.js'
import { runAction } from './run-action.js'
import { digestInputs, serviceAccountInputs, standardOptions } from './atlas-emulator/scenario.js'

const args = new Set(process.argv.slice(2))
const failed = args.has('--failed-job')
const emulator = await startEmulator(
  standardOptions({
    exportTimeline: [
      { state: 'Queued' },
      { state: 'InProgress', exportStatus: { exportedCollections: 1, totalCollections: 3 } },
      failed
        ? {
            state: 'Failed',
            stateReason: { errorCode: 'EXPORT_BUCKET_ACCESS_DENIED', message: 'Atlas could not write to the bucket.' }
          }
        : { state: 'Successful', exportStatus: { exportedCollections: 3, totalCollections: 3 } }
    ]
  })
)
const settings = {
  'snapshot-id': 'latest',
  wait: 'true',
  'poll-interval': '1s',
  'custom-data': 'purpose=demo\nticket=OPS-1234'
}
const inputs = args.has('--service-account')
  ? serviceAccountInputs(emulator.url, settings)
  : digestInputs(emulator.url, settings)

console.log(`Local Atlas emulator on ${emulator.url}`)
console.log(
  `Running dist/index.js with ${Object.keys(inputs)
    .map(name => `INPUT_${name.toUpperCase()}`)
    .join(', ')}\n`
)
const run = await runAction(inputs)
await emulator.close()

const section = (title: string): void => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}`)
section('step log (as the runner shows it, debug lines hidden)')
for (const line of run.stdout.split('\n')) {
  if (line === '' || line.startsWith('::debug::') || line.startsWith('::add-mask::') || line === '::endgroup::')
    continue
  console.log(line.replace(/^::group::/, '▼ ').replace(/%0A/g, '\n'))
}
if (run.stderr.trim()) console.log(run.stderr)
section('outputs')
for (const [name, value] of Object.entries(run.outputs)) console.log(`${name.padEnd(22)} ${value}`)
section('job summary (markdown)')
console.log(run.summary.trim() || '(none)')
section('result')
console.log(
  `exit code ${run.exitCode}; ${emulator.requests.length} requests reached Atlas; ${emulator.jobs.length} export job(s)`
)
process.exitCode = failed ? (run.exitCode === 1 ? 0 : 1) : (run.exitCode ?? 1)
