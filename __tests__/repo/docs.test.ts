/** The README, action.yml and the examples say the same thing. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { actionYml, ROOT } from '../../scripts/run-action.js'
import { pictureRun, summaryPicture } from '../../scripts/summary-drawing.js'
import { renderSummary } from '../../src/report/summary.js'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

/** The rows of the first table under a `## heading`: first cell unquoted, second as written. */
function tableUnder(heading: string): Array<[string, string]> {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  return section
    .split('\n')
    .filter(line => /^\| `[^`]+` \|/.test(line))
    .map(line => {
      const cells = line.split(/(?<!\\)\|/).map(cell => cell.trim())
      return [cells[1]!.replace(/`/g, ''), cells[2]!]
    })
}

describe('README and action.yml', () => {
  test('the Inputs table lists every input of action.yml, with its default', () => {
    const documented = tableUnder('Inputs')
    const inputs = actionYml().inputs
    expect(documented.map(([name]) => name).sort()).toEqual(Object.keys(inputs).sort())
    for (const [name, column] of documented) {
      const spec = inputs[name]!
      const expected = spec.required ? '(required)' : `\`${spec.default === '' ? "''" : spec.default}\``
      expect(`${name}: ${column}`).toBe(`${name}: ${expected}`)
    }
  })

  test('the Outputs table lists every output of action.yml', () => {
    expect(
      tableUnder('Outputs')
        .map(([name]) => name)
        .sort()
    ).toEqual(Object.keys(actionYml().outputs).sort())
  })

  test('every input and output has a description', () => {
    const { inputs, outputs } = actionYml()
    for (const spec of [...Object.values(inputs), ...Object.values(outputs)])
      expect((spec as { description?: string }).description).toBeTruthy()
  })
})

describe('examples', () => {
  const files = readdirSync(join(ROOT, 'examples')).filter(f => f.endsWith('.yml'))
  const inputs = Object.keys(actionYml().inputs)

  test('there are examples, and the README links each', () => {
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const file of files) expect(readme).toContain(`(examples/${file})`)
  })

  test.each(files)('%s is a workflow whose every with: key is a real input', file => {
    const workflow = parse(readFileSync(join(ROOT, 'examples', file), 'utf8')) as {
      on: unknown
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>
    }
    expect(workflow.on).toBeTruthy()
    const ours = Object.values(workflow.jobs).flatMap(job =>
      job.steps.filter(step => /atlas-snapshot-export@/.test(step.uses ?? ''))
    )
    expect(ours.length).toBeGreaterThan(0)
    for (const step of ours) {
      const keys = Object.keys(step.with ?? {})
      expect(keys.filter(key => !inputs.includes(key))).toEqual([])
      expect(keys).toContain('cluster-name')
    }
  })
})

describe('the README layout table', () => {
  test('names every module of src/, and nothing that is not there', () => {
    const section =
      readme
        .split('How the code is laid out')[1]
        ?.split('\n\n')
        .find(block => block.startsWith('| module')) ?? ''
    const named = [...section.matchAll(/`([\w/-]+\.ts)`/g)].map(m => m[1]).sort()
    const files = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[])
      .filter(f => f.endsWith('.ts'))
      .map(f => f.replace(/\\/g, '/'))
      .sort()
    expect(named).toEqual(files)
  })
})

describe('the README picture of a summary', () => {
  test('is what the current summary code draws for its fixed run (npm run docs:summary redraws it)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'summary.svg'), 'utf8')).toBe(summaryPicture())
  })

  test('draws the summary it is given: a change of the summary changes the picture', () => {
    const markdown = renderSummary(pictureRun())
    expect(summaryPicture(markdown.replace('Successful', 'Succeeded'))).not.toBe(summaryPicture(markdown))
  })

  test('is there, with the rows of a real summary', () => {
    expect(readme).toContain('![The job summary of a run that exported the latest snapshot](docs/summary.svg)')
    const svg = readFileSync(join(ROOT, 'docs', 'summary.svg'), 'utf8')
    expect(svg).toContain('Atlas snapshot export succeeded')
    for (const row of ['Project', 'Export bucket', 'Destination', 'Duration']) expect(svg).toContain(`>${row}</text>`)
    expect(svg).toMatch(/s3:\/\/test-bucket\/exported_snapshots\//)
  })
})

describe('action.yml for the Marketplace', () => {
  test('a description under 125 characters, a clear name, branding', () => {
    const yml = actionYml() as unknown as {
      name: string
      description: string
      branding: { icon: string; color: string }
    }
    expect(yml.description.length).toBeLessThan(125)
    expect(yml.name).toBe('MongoDB Atlas Snapshot Export')
    expect(yml.branding).toEqual({ icon: 'upload-cloud', color: 'green' })
  })
})

describe('the test tree', () => {
  test('mirrors src/: every unit test file is named for a module of src/', () => {
    const modules = new Set(
      (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[])
        .filter(f => f.endsWith('.ts'))
        .map(f => f.replace(/\\/g, '/'))
    )
    const elsewhere = /^(e2e|repo|scripts|support|fixtures)\//
    const tests = (readdirSync(join(ROOT, '__tests__'), { recursive: true }) as string[])
      .map(f => f.replace(/\\/g, '/'))
      .filter(f => f.endsWith('.test.ts') && !elsewhere.test(f))
    expect(tests.length).toBeGreaterThanOrEqual(20)
    expect(tests.filter(f => !modules.has(f.replace(/(\.property)?\.test\.ts$/, '.ts')))).toEqual([])
  })
})
