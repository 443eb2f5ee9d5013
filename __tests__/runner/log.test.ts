import { expect, test } from 'vitest'
import { plain } from '../../src/runner/log.js'

test('plain(): no control character survives, so server text cannot start a workflow command', () => {
  expect(plain('InProgress\n::add-mask::x')).toBe('InProgress\\n::add-mask::x')
  expect(plain('a\r\n::error::b')).toBe('a\\r\\n::error::b')
  expect(plain('bell\u0007 esc\u001b[31m nel\u0085 ls\u2028 ps\u2029 del\u007f')).toBe(
    'bell\\u0007 esc\\u001b[31m nel\\u0085 ls\\u2028 ps\\u2029 del\\u007f'
  )
  expect(plain('tab\tkept, ünïcödé kept → yes')).toBe('tab\tkept, ünïcödé kept → yes')
})
