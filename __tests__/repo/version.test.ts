import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { USER_AGENT } from '../../src/atlas/transport.js'
import { ACTION_VERSION } from '../../src/version.js'

test('the version in the User-Agent is package.json version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  expect(ACTION_VERSION).toBe(pkg.version)
  expect(USER_AGENT).toMatch(new RegExp(`^atlas-snapshot-export/${pkg.version.replace(/\./g, '\\.')} `))
})
