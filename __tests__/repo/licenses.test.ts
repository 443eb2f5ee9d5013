/** What dist/index.js bundles: permissive licenses only, and nothing it does not need. */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { ROOT } from '../../scripts/run-action.js'

const PERMISSIVE = new Set([
  'MIT',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
  'Unlicense',
  'BlueOak-1.0.0',
  'CC0-1.0'
])
const text = readFileSync(join(ROOT, 'dist', 'licenses.txt'), 'utf8')
const entries = text
  .split('\n---\n')
  .slice(1)
  .map(section => {
    const [name = '', license = ''] = section.trim().split('\n')
    return { name, license: license.replace(/^License: /, ''), text: section }
  })

test('dist/licenses.txt lists the bundled packages, ours among them', () => {
  const names = entries.map(e => e.name.replace(/@[^@]+$/, ''))
  for (const expected of [
    '@actions/core',
    '@actions/http-client',
    '@octokit/request-error',
    'digest-fetch',
    'undici',
    'js-sha256'
  ]) {
    expect(names).toContain(expected)
  }
  expect(text.split('\n')[0]).toBe(
    `Third-party software bundled into dist/index.js (${entries.length} packages), written by scripts/licenses.mjs.`
  )
})

test('every bundled license is a permissive one, with its text', () => {
  const refused = entries.filter(e => !e.license.split(/ OR /).some(l => PERMISSIVE.has(l.replace(/[()]/g, ''))))
  expect(refused.map(e => `${e.name}: ${e.license}`)).toEqual([])
  for (const entry of entries) expect(entry.text.length, entry.name).toBeGreaterThan(200)
})

test('the bundle stays lean: at most 1 MB, and no Octokit but its error type', () => {
  const bundle = join(ROOT, 'dist', 'index.js')
  expect(statSync(bundle).size).toBeLessThanOrEqual(1_000_000)
  expect(
    entries.map(e => e.name).filter(name => name.startsWith('@octokit/') && !name.startsWith('@octokit/request-error@'))
  ).toEqual([])
})
