/** The README, action.yml and the examples say the same thing. */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { actionYml, ROOT } from '../../scripts/run-action.js'
import { pictureRun, summaryPicture } from '../../scripts/summary-drawing.js'
import { renderSummary } from '../../src/report/summary.js'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const contributing = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8')
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

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

describe('the layout table (CONTRIBUTING.md)', () => {
  test('names every module of src/, and nothing that is not there', () => {
    const section =
      contributing
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

describe('a README a user reads to the end', () => {
  const words = readme.split(/\s+/).filter(Boolean).length
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map(m => m[1])

  test('about 2,500 words; the rest lives in docs/, CONTRIBUTING.md and SECURITY.md', () => {
    expect(words).toBeGreaterThan(1_800)
    expect(words).toBeLessThan(3_000)
    for (const file of ['CONTRIBUTING.md', 'SECURITY.md', 'docs/reliability.md', 'docs/performance.md'])
      expect(readme).toContain(`](${file})`)
  })

  test('the snippet first, then set-up, inputs and outputs, the fleet run, troubleshooting', () => {
    expect(headings).toEqual([
      'Quick start',
      'Set-up',
      'What lands in the bucket',
      'Inputs',
      'Outputs',
      'Every cluster of a project in one step',
      'Troubleshooting',
      'More',
      'License'
    ])
    expect(readme.split('\n').findIndex(line => line === '## Quick start')).toBeLessThan(20)
  })

  test('every relative link of the docs leads to a file that is there, and every #anchor to a heading', () => {
    const slug = (heading: string): string =>
      heading
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-')
    for (const file of [
      'README.md',
      'CONTRIBUTING.md',
      'SECURITY.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter(f => f.endsWith('.md'))
        .map(f => `docs/${f}`)
    ]) {
      const dir = file.includes('/') ? 'docs' : '.'
      for (const [, target] of read(file).matchAll(/\]\(((?!https?:)[^)\s]+)\)/g)) {
        const [path, anchor] = (target as string).split('#')
        const linked = path ? join(dir, path) : file
        expect(existsSync(join(ROOT, linked)), `${file} → ${target}`).toBe(true)
        if (anchor && linked.endsWith('.md')) {
          const anchors = [...read(linked).matchAll(/^#+ (.+)$/gm)].map(m => slug(m[1] as string))
          expect(anchors, `${file} → ${target}`).toContain(anchor)
        }
      }
    }
  })

  test('no word only insiders know: "the look" is not used, the envelope is explained where it appears', () => {
    expect(readme).not.toMatch(/the look\b/i)
    const envelopes = readme.split('\n').filter(line => /envelope/.test(line))
    expect(envelopes).toHaveLength(1)
    expect(envelopes[0]).toContain('wrap every answer in a 200 carrying the real status')
  })

  test("the set-up names each cloud's permissions, the access lists, the roles, and project-id as a variable", () => {
    for (const needed of [
      's3:PutObject',
      'Storage Blob Data Contributor',
      'Google Cloud Storage',
      'IP_ADDRESS_NOT_ON_ACCESS_LIST',
      'static IP addresses',
      'self-hosted runners',
      'Project Backup Manager',
      'Project Backup Creator',
      'Project Atlas Admin',
      'vars.ATLAS_PROJECT_ID',
      '.complete'
    ])
      expect(readme, needed).toContain(needed)
  })

  test('SECURITY.md says how to report, what happens to secrets, and how to verify a release', () => {
    const security = read('SECURITY.md')
    for (const needed of ['Report a', 'vulnerability', 'masked', 'gh release verify', 'gh attestation verify'])
      expect(security).toContain(needed)
  })

  test('CONTRIBUTING.md says how to turn immutable releases on; release.yml keeps the major tag a plain tag', () => {
    expect(contributing).toContain('Enable release immutability')
    const release = read('.github/workflows/release.yml')
    expect(release).toContain('--draft')
    expect(release).toContain('actions/attest-build-provenance@')
    expect(release).not.toMatch(/gh release create "\$major"/)
  })
})

describe('examples you copy as they are', () => {
  const files = readdirSync(join(ROOT, 'examples')).filter(f => f.endsWith('.yml'))
  type Step = { uses?: string; run?: string; with?: Record<string, unknown> }
  type Workflow = { on: Record<string, unknown>; jobs: Record<string, { needs?: unknown; steps: Step[] }> }
  const workflows = files.map(file => ({
    file,
    text: read(`examples/${file}`),
    yml: parse(read(`examples/${file}`)) as Workflow
  }))

  test.each(files)('%s: every third-party action pinned to a full commit SHA, its version in a comment', file => {
    const text = read(`examples/${file}`)
    for (const [, ref, rest] of text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)) {
      if ((ref as string).startsWith('owner/atlas-snapshot-export@')) continue
      expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)
      expect(rest).toMatch(/^ # v\d+\.\d+\.\d+$/)
    }
  })

  test.each(files)('%s: no ${{ }} expression inside a run: script (through env:, as GitHub advises)', file => {
    const { yml } = workflows.find(w => w.file === file)!
    for (const job of Object.values(yml.jobs)) for (const step of job.steps) expect(step.run ?? '').not.toContain('${{')
  })

  test('a dry run by hand (workflow_dispatch), and a wait in a later job', () => {
    expect(
      workflows.some(
        ({ yml }) =>
          'workflow_dispatch' in yml.on &&
          Object.values(yml.jobs).some(j => j.steps.some(s => String(s.with?.['dry-run'] ?? '').includes('inputs.')))
      )
    ).toBe(true)
    expect(
      workflows.some(({ yml }) =>
        Object.values(yml.jobs).some(
          j => j.needs && j.steps.some(s => String(s.with?.['export-job-id'] ?? '').includes('needs.'))
        )
      )
    ).toBe(true)
  })

  test('the request counts of the matrix example agree with the README and the benchmark', () => {
    expect(read('examples/organization-projects.yml')).toContain('4 + 3 per cluster')
    expect(readme).toContain('4 + 3 per cluster')
    expect(read('docs/performance.md')).toMatch(
      /\| fleet of 100 clusters \(service account, `\*`\): 4 \+ 3 per cluster \| 304 \| 304 \| 0 \|/
    )
    expect(readme).toContain('(304 for 100 clusters')
  })
})

describe('figures come from the benchmark', () => {
  const page = read('docs/performance.md')

  test('docs/performance.md states the bundle size within 5 % of dist/index.js (npm run bench -- --write)', () => {
    const stated = Number(/\| dist\/index\.js \| ([\d,]+) bytes/.exec(page)?.[1]?.replace(/,/g, ''))
    const actual = statSync(join(ROOT, 'dist', 'index.js')).size
    expect(Math.abs(stated - actual) / actual).toBeLessThan(0.05)
  })

  test('every request count it gives is the minimum', () => {
    const rows = [...page.matchAll(/^\| (.+) \| (\d+) \| (\d+) \| (\d+) \|$/gm)]
    expect(rows.length).toBeGreaterThanOrEqual(10)
    for (const [, scenario, requests, minimum] of rows) expect(requests, scenario).toBe(minimum)
  })

  test('the README types no bundle size or timing by hand', () => {
    expect(readme).not.toMatch(/\d[\d,]* bytes|\d+ ms\b|KiB/)
  })
})

describe("a contributor's local route", () => {
  test('.env is ignored by git, .env.example is not', () => {
    const ignored = (file: string): boolean =>
      spawnSync('git', ['check-ignore', '-q', file], { cwd: ROOT }).status === 0
    expect(ignored('.env')).toBe(true)
    expect(ignored('local-action-summary.md')).toBe(true)
    expect(ignored('.env.example')).toBe(false)
  })
})
