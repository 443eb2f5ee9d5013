/**
 * The workflow run this action runs in, as the runner describes it (for names and
 * links). These are the variables @actions/github's `context` reads; importing that
 * package for them would bundle all of Octokit (about 230 KB) for five strings.
 */
import type { Env } from './runner.js'

export interface WorkflowRun {
  /** `octo-org/backups`, or undefined outside a runner. */
  readonly repository: string | undefined
  readonly workflow: string
  readonly runId: number
  readonly runAttempt: number
  /** The run's page, when the runner says where it is. */
  readonly url: string | undefined
}

export function currentWorkflowRun(env: Env): WorkflowRun {
  const repository = env.GITHUB_REPOSITORY || undefined
  const runId = Number.parseInt(env.GITHUB_RUN_ID ?? '', 10) || 0
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  return {
    repository,
    workflow: env.GITHUB_WORKFLOW ?? '',
    runId,
    runAttempt: Number.parseInt(env.GITHUB_RUN_ATTEMPT ?? '', 10) || 1,
    url: repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined
  }
}
