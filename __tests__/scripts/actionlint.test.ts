/** `npm run actionlint` checks every file its patterns name, not only the first pattern's. */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { ROOT } from '../../scripts/run-action.js'

const GOOD = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n'
const BROKEN =
  'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.nope }}\n'

test('a broken file under the second pattern fails the run, named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ase-lint-'))
  for (const [sub, text] of [
    ['a', GOOD],
    ['b', BROKEN]
  ] as const) {
    mkdirSync(join(dir, sub))
    writeFileSync(join(dir, sub, 'flow.yml'), text)
  }
  const run = spawnSync('node', [join(ROOT, 'scripts', 'actionlint.mjs'), 'a/*.yml', 'b/*.yml'], {
    cwd: dir,
    encoding: 'utf8'
  })
  rmSync(dir, { recursive: true, force: true })
  expect(run.status).toBe(1)
  expect(run.stderr).toMatch(/^b\/flow\.yml:6:\d+: /m)
  expect(run.stdout).toContain('2 files, 1 problems')
})

test("the package script's patterns take in every workflow and example, and they pass", () => {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts.actionlint as string
  const patterns = [...script.matchAll(/"([^"]+)"/g)].map(m => m[1])
  expect(patterns).toEqual(['.github/workflows/*.yml', 'examples/*.yml'])
  const files = ['.github/workflows', 'examples'].flatMap(dir => readdirSync(join(ROOT, dir)))
  expect(files.every(f => f.endsWith('.yml'))).toBe(true)
  const run = spawnSync('npm', ['run', '--silent', 'actionlint'], { cwd: ROOT, encoding: 'utf8' })
  expect(run.stdout).toContain(`${files.length} files, 0 problems`)
  expect(run.status).toBe(0)
}, 60_000)
