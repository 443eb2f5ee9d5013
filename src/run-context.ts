/** The workflow run this action runs in, as the runner describes it (for names and links). */
import { context } from '@actions/github'

export interface RunInfo {
  /** `octo-org/backups`, or undefined outside a runner. */
  readonly repository: string | undefined
  readonly workflow: string
  readonly runId: number
  readonly runAttempt: number
  /** The run's page, when the runner says where it is. */
  readonly url: string | undefined
}

export function currentRun(): RunInfo {
  // context.repo throws when GITHUB_REPOSITORY is unset (a local run): read it softly.
  const repository = process.env.GITHUB_REPOSITORY || undefined
  const url = repository && context.runId ? `${context.serverUrl}/${repository}/actions/runs/${context.runId}` : undefined
  return { repository, workflow: context.workflow, runId: context.runId, runAttempt: context.runAttempt, url }
}

/** Pure: the description of an on-demand snapshot, naming the run that took it. */
export function snapshotDescription(run: RunInfo): string {
  const where = run.repository ? `${run.repository}, workflow '${run.workflow}', run ${run.runId} attempt ${run.runAttempt}` : 'a local run'
  return `atlas-snapshot-export: on-demand snapshot for ${where}`.slice(0, 250)
}
