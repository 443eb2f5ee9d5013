// `npm run mutants`: every rule the README promises, broken on purpose one at a time,
// must turn a test red. Each mutant patches one line of src/, runs the tests that guard
// the rule, expects them to fail, and puts the line back. A mutant that survives means
// a promise nothing checks.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

const MUTANTS = [
  {
    promise: 'every page of a list is read',
    file: 'src/atlas/pages.ts',
    from: 'pageNum <= MAX_PAGES; pageNum++',
    to: 'pageNum <= 1; pageNum++',
    tests: ['__tests__/backup/snapshots.test.ts', '__tests__/e2e/bucket-by-name.test.ts']
  },
  {
    promise: 'no redirect is followed (credentials stay home)',
    file: 'src/atlas/transport.ts',
    from: "redirect: 'manual'",
    to: "redirect: 'follow'",
    tests: ['__tests__/atlas/client.test.ts']
  },
  {
    promise: 'Digest nc restarts at 1 for every nonce',
    file: 'src/atlas/auth/digest.ts',
    from: 'if (digestFetchInternals.state(this).nonce !== previousNonce) this.nc = 1',
    to: '',
    tests: ['__tests__/atlas/auth/digest.test.ts']
  },
  {
    promise: 'Digest nc is sent as hex',
    file: 'src/atlas/auth/digest.ts',
    from: 'state.nc = nc.toString(16)',
    to: 'state.nc = nc',
    tests: ['__tests__/atlas/auth/digest.test.ts']
  },
  {
    promise: 'secret inputs are masked before anything else',
    file: 'src/inputs/inputs.ts',
    from: 'if (secret) runner.mask(secret)',
    to: 'if (secret && !secret) runner.mask(secret)',
    tests: ['__tests__/inputs/inputs.test.ts']
  },
  {
    promise: 'the service-account token is masked on arrival',
    file: 'src/atlas/auth/service-account.ts',
    from: '    this.options.mask(value)\n',
    to: '\n',
    tests: ['__tests__/atlas/auth/service-account.test.ts']
  },
  {
    promise: "after a lost answer, only a job that was not in the look's list is ours",
    file: 'src/backup/export-jobs.ts',
    from: 'sameExport(job, request) && !known.has(job.id)',
    to: 'sameExport(job, request) && known === known',
    tests: ['__tests__/e2e/resilience.test.ts']
  },
  {
    promise: 'a create that may have reached Atlas is looked for before it is sent again (no duplicate job)',
    file: 'src/atlas/client.ts',
    from: 'const made = await lookup.find(new AtlasClient({ ...this.options, deadline: lookDeadline }))',
    to: 'const made = undefined as T | undefined',
    tests: ['__tests__/atlas/client.test.ts', '__tests__/e2e/resilience.test.ts']
  },
  {
    promise: 'the create backs off between attempts',
    file: 'src/atlas/client.ts',
    from: 'await this.clock.sleep(delay, signal)',
    to: 'void delay',
    tests: ['__tests__/atlas/client.test.ts']
  },
  {
    promise: 'a wait ends only at wait-timeout (passing trouble does not end it)',
    file: 'src/flow/polling.ts',
    from: 'if (!options.isTransient?.(error)) throw error',
    to: 'throw error',
    tests: ['__tests__/flow/polling.test.ts']
  },
  {
    promise: 'Retry-After is read strictly',
    file: 'src/atlas/retry.ts',
    from: '  else return undefined\n',
    to: '  else ms = Date.parse(text) - now\n',
    tests: ['__tests__/atlas/retry.test.ts']
  },
  {
    promise: 'an unreadable 2xx is trouble that passes',
    file: 'src/atlas/retry.ts',
    from: "if (error instanceof UnreadableAnswerError) return 'ambiguous'",
    to: "if (error instanceof UnreadableAnswerError) return 'final'",
    tests: ['__tests__/atlas/retry.test.ts', '__tests__/atlas/client.test.ts']
  },
  {
    promise: 'text from the server never starts a workflow command',
    file: 'src/runner/log.ts',
    from: 'return text.replace(CONTROL,',
    to: 'return text || text.replace(CONTROL,',
    tests: ['__tests__/runner/log.test.ts']
  },
  {
    promise: "action.yml's defaults and the parser's agree",
    file: 'src/inputs/inputs.ts',
    from: 'duration(value, 3_600_000, 1_000, MAX_WAIT_MS)',
    to: 'duration(value, 7_200_000, 1_000, MAX_WAIT_MS)',
    tests: ['__tests__/inputs/inputs.test.ts']
  },
  {
    promise: 'a Successful earlier export of the same snapshot and bucket is reused, not exported again',
    file: 'src/backup/export-jobs.ts',
    from: "if (done && ifExported === 'reuse')",
    to: "if (done && ifExported !== 'reuse')",
    tests: ['__tests__/backup/export-jobs.test.ts', '__tests__/e2e/rerun-and-follow.test.ts']
  },
  {
    promise: 'an active export of the same snapshot and bucket is taken over, never created again',
    file: 'src/backup/export-jobs.ts',
    from: "if (active) return { kind: 'take-over', job: active }",
    to: '',
    tests: ['__tests__/backup/export-jobs.test.ts']
  },
  {
    promise: 'the hint names the role of the call Atlas refused',
    file: 'src/backup/export-jobs.ts',
    from: 'role: ROLE.backupManager,',
    to: 'role: ROLE.exportOperator,',
    tests: ['__tests__/e2e/atlas-errors.test.ts']
  },
  {
    promise: 'a refused credential fails at signing in, whatever the run was doing',
    file: 'src/report/failure.ts',
    from: "stage: isSignInFailure(error) ? 'sign-in' : stage,",
    to: 'stage,',
    tests: ['__tests__/report/failure.test.ts', '__tests__/e2e/credentials.test.ts']
  },
  {
    promise: 'a wait that ran out is titled as still running, not as a failed export',
    file: 'src/report/failure.ts',
    from: "if (error instanceof WaitTimeoutError && error.runningJob) return { kind: 'still-running', stage, message }",
    to: '',
    tests: ['__tests__/main.test.ts']
  },
  {
    promise: 'an Azure export-url names the container once',
    file: 'src/report/destination.ts',
    from: "container === '' ?",
    to: 'true ?',
    tests: ['__tests__/report/destination.test.ts']
  },
  {
    promise: 'text from the server never starts a workflow command (through the bundle)',
    file: 'src/runner/log.ts',
    from: 'info: message => core.info(plain(message)),',
    to: 'info: message => core.info(message),',
    tests: ['__tests__/e2e/secrets-and-injection.test.ts']
  },
  {
    promise: 'latest skips snapshots that cannot be exported',
    file: 'src/backup/snapshots.ts',
    from: 'if (whyNotExportable(snapshot)) continue',
    to: '',
    tests: ['__tests__/backup/snapshots.test.ts']
  },
  {
    promise: 'a job that ended Failed or Cancelled fails the step, on every path (export-job-id without wait too)',
    file: 'src/flow/export-cluster.ts',
    from: "failIfEndedWithoutExport(started.job, started.origin === 'followed')",
    to: 'void started',
    tests: ['__tests__/e2e/rerun-and-follow.test.ts']
  },
  {
    promise: "the look before creating reads the cluster's export jobs, in a dry run too",
    file: 'src/flow/export-cluster.ts',
    from: "const jobs = await inStage('look', at, () => listExportJobs(client, cluster))",
    to: 'const jobs: never[] = []',
    tests: ['__tests__/e2e/dry-run.test.ts']
  },
  {
    promise: 'a bad input is told as a bad input, not as a failure of Atlas',
    file: 'src/report/failure.ts',
    from: "if (error instanceof InputError) return { kind: 'bad-input', stage, message }",
    to: '',
    tests: ['__tests__/report/failure.test.ts', '__tests__/e2e/reporting.test.ts']
  },
  {
    promise: "a cluster name is checked by Atlas's own rule (underscores allowed)",
    file: 'src/inputs/cluster-entries.ts',
    from: 'const CLUSTER_NAME = /^([a-zA-Z0-9]([a-zA-Z0-9-]){0,21}(?<!-)([\\w]{0,42}))$/',
    to: 'const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/',
    tests: ['__tests__/inputs/inputs.test.ts']
  },
  {
    promise: 'outputs are derived from the record: export-url once the prefix is known',
    file: 'src/report/outputs.ts',
    from: "exportUrl(bucket, job?.prefix) ?? ''",
    to: "exportUrl(bucket, undefined) ?? ''",
    tests: ['__tests__/report/outputs.test.ts']
  },
  {
    promise: "a fleet's exclusions drop what they match",
    file: 'src/flow/cluster-choice.ts',
    from: 'const chosen = [...picked].filter(name => !excluded(name))',
    to: 'const chosen = [...picked]',
    tests: ['__tests__/flow/cluster-choice.test.ts', '__tests__/e2e/fleet.test.ts']
  },
  {
    promise: 'a pattern picks only clusters that can be exported, and says why it passed over the others',
    file: 'src/flow/cluster-choice.ts',
    from: 'const why = whyNotExportableCluster(cluster)',
    to: 'const why = undefined as string | undefined',
    tests: ['__tests__/flow/cluster-choice.test.ts']
  },
  {
    promise: 'a 429 slows the whole run as its Retry-After says, not only the request that met it',
    file: 'src/atlas/client.ts',
    from: 'if (limited) this.options.throttle.pause(this.clock.now() + delay)',
    to: '',
    tests: ['__tests__/e2e/fleet.test.ts']
  },
  {
    promise: "a fleet's polls are spread over the interval",
    file: 'src/flow/exports.ts',
    from: 'const firstPollMs = Math.round(',
    to: 'const firstPollMs = ctx.follow.intervalMs || Math.round(',
    tests: ['__tests__/e2e/fleet.test.ts']
  },
  {
    promise: 'at most ten annotations of failed clusters, then one counting the rest',
    file: 'src/report/annotations.ts',
    from: 'const MAX_CLUSTER_ANNOTATIONS = 10',
    to: 'const MAX_CLUSTER_ANNOTATIONS = 1000',
    tests: ['__tests__/report/annotations.test.ts']
  },
  {
    promise: "one cluster's failure does not stop the others",
    file: 'src/flow/export-cluster.ts',
    from: 'if (ctx.follow.signal.aborted || concernsEveryExport(failure.stage)) throw error',
    to: 'throw error',
    tests: ['__tests__/e2e/fleet.test.ts']
  },
  {
    promise: 'a 503 to a create is looked behind before it is sent again',
    file: 'src/atlas/retry.ts',
    from: "if (error.status === 429) return 'safe'",
    to: "if (error.status === 429 || error.status === 503) return 'safe'",
    tests: ['__tests__/e2e/snapshot-new.test.ts']
  },
  {
    promise: 'the look after a lost create answer gets one request past the deadline, no more',
    file: 'src/atlas/client.ts',
    from: 'deadline: lookDeadline',
    to: 'deadline: undefined',
    tests: ['__tests__/e2e/bounds.test.ts']
  },
  {
    promise: "trouble on the token request is named as the token's",
    file: 'src/atlas/retry.ts',
    from: 'return fromTokenRequest(error) ? `POST',
    to: 'return false ? `POST',
    tests: ['__tests__/e2e/credentials.test.ts']
  },
  {
    promise: 'deadlines are measured on a monotonic clock',
    file: 'src/runner/clock.ts',
    from: 'now: () => performance.timeOrigin + performance.now(),',
    to: 'now: () => Date.now(),',
    tests: ['__tests__/e2e/bounds.test.ts']
  },
  {
    promise: 'one answer is read to 16 MiB at most',
    file: 'src/atlas/transport.ts',
    from: 'export const MAX_ANSWER_BYTES = 16 * 1024 * 1024',
    to: 'export const MAX_ANSWER_BYTES = 4096 * 1024 * 1024',
    tests: ['__tests__/e2e/bounds.test.ts']
  }
]

const only = process.argv[2]
let survived = 0
for (const mutant of MUTANTS.filter(m => !only || m.promise.includes(only))) {
  const path = join(root, mutant.file)
  const original = readFileSync(path, 'utf8')
  if (!original.includes(mutant.from)) {
    console.log(`?  ${mutant.promise}: '${mutant.from.trim()}' is no longer in ${mutant.file}; update the mutant`)
    survived++
    continue
  }
  writeFileSync(path, original.replace(mutant.from, mutant.to))
  try {
    const result = spawnSync(
      'npx',
      ['vitest', 'run', '--project', 'unit', '--project', 'bundle-on-node20', ...mutant.tests],
      { cwd: root, encoding: 'utf8' }
    )
    const killed = result.status !== 0
    if (!killed) survived++
    console.log(`${killed ? 'killed  ' : 'SURVIVED'} ${mutant.promise} (${mutant.file})`)
  } finally {
    writeFileSync(path, original)
  }
}
console.log(survived === 0 ? 'every promise is guarded by a test' : `${survived} promise(s) unguarded`)
process.exit(survived === 0 ? 0 : 1)
