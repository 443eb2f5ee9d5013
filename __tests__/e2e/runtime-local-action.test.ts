/**
 * GitHub's own local runner tool, @github/local-action, runs src/main.ts's run() with
 * its stand-in for @actions/core: a green run and a red one both end as the runner's do.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { inputVariable, ROOT } from '../../scripts/run-action.js'
import { digestInputs, localActionEnv } from '../../scripts/atlas-emulator/scenario.js'
import { useEmulator } from './helpers.js'

const emulator = useEmulator()

interface LocalRun {
  readonly code: number | null
  readonly out: string
  /** What it wrote to GITHUB_STEP_SUMMARY, when the env file names it. */
  readonly summary: string
}

/** `npx local-action . src/main.ts <env file>`, the env file's text given (SUMMARY_FILE stands for a temporary file). */
async function localAction(envText: string): Promise<LocalRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ase-local-'))
  const envFile = join(dir, '.env')
  const summaryFile = join(dir, 'summary.md')
  writeFileSync(envFile, envText.replace('SUMMARY_FILE', summaryFile))
  const bin = join(ROOT, 'node_modules', '.bin', 'local-action')
  const child = spawn(bin, ['.', 'src/main.ts', envFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', chunk => (out += String(chunk)))
  child.stderr.on('data', chunk => (out += String(chunk)))
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  const summary = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : ''
  rmSync(dir, { recursive: true, force: true })
  return { code, out, summary }
}

const inputLines = (inputs: Record<string, string>): string =>
  Object.entries(inputs)
    .map(([name, value]) => `${inputVariable(name)}=${value}`)
    .join('\n')

/** The route the contributors' guide gives: .env.example, pointed at this emulator. */
const fromExample = (url: string): string =>
  readFileSync(join(ROOT, '.env.example'), 'utf8')
    .replace('INPUT_BASE-URL=http://127.0.0.1:4242', `INPUT_BASE-URL=${url}`)
    .replace('GITHUB_STEP_SUMMARY=local-action-summary.md', 'GITHUB_STEP_SUMMARY=SUMMARY_FILE')

describe.concurrent('@github/local-action', () => {
  test('.env.example as the guide says: it runs against the emulator, and the summary is written', async ctx => {
    const atlas = await emulator({}, ctx)
    const { code, summary } = await localAction(fromExample(atlas.url))
    expect(code).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(summary).toMatch(/^## 🚀 Atlas snapshot export started/)
    expect(summary).toContain(atlas.jobs[0]?.id)
  })

  test('.env.example is what the emulator prints for its port 4242', () => {
    expect(readFileSync(join(ROOT, '.env.example'), 'utf8')).toBe(localActionEnv('http://127.0.0.1:4242'))
  })

  test('a green run: the export job created, its outputs shown', async ctx => {
    const atlas = await emulator({}, ctx)
    const { code, out } = await localAction(inputLines(digestInputs(atlas.url)))
    expect(code).toBe(0)
    expect(atlas.jobs).toHaveLength(1)
    expect(out).toContain(`'${atlas.jobs[0]?.id}'`)
    expect(out).toContain("'s3://test-bucket/exported_snapshots/")
  })

  test("a red run: one annotation with Atlas's words, exit code 1, nothing of ours crashing", async ctx => {
    const atlas = await emulator({}, ctx)
    const { code, out } = await localAction(inputLines(digestInputs(atlas.url, { 'cluster-name': 'prod' })))
    expect(code).toBe(1)
    expect(out).toContain(
      `::error title=Atlas export failed::Atlas API 404 CLUSTER_NOT_FOUND: No cluster named prod exists in group`
    )
    expect(out).not.toMatch(/ExitCode|TypeError|Cannot read properties/)
  })
})
