import { expect, test } from 'vitest'
import { exportUrl } from '../../src/report/destination.js'

const prefix = 'exported_snapshots/a0/b0/prod/2026-12-01T0200/1796090400'

test.each([
  ['AWS', { name: 'exports', cloudProvider: 'AWS' }, `s3://exports/${prefix}`],
  ['GCP', { name: 'exports', cloudProvider: 'GCP' }, `gs://exports/${prefix}`],
  [
    'Azure, the container in the serviceUrl: once',
    {
      name: 'exportcontainer',
      cloudProvider: 'AZURE',
      serviceUrl: 'https://examplestorageaccount.blob.core.windows.net/exportcontainer'
    },
    `https://examplestorageaccount.blob.core.windows.net/exportcontainer/${prefix}`
  ],
  [
    'Azure, the account alone: the container added',
    {
      name: 'exportcontainer',
      cloudProvider: 'AZURE',
      serviceUrl: 'https://examplestorageaccount.blob.core.windows.net/'
    },
    `https://examplestorageaccount.blob.core.windows.net/exportcontainer/${prefix}`
  ]
])('%s', (_name, bucket, url) => {
  expect(exportUrl(bucket, prefix)).toBe(url)
  // Older answers had a leading slash: never two.
  expect(exportUrl(bucket, `/${prefix}`)).toBe(url)
})

test('nothing while Atlas has not set the prefix, or for a cloud not known', () => {
  expect(exportUrl({ name: 'b', cloudProvider: 'AWS' }, '')).toBeUndefined()
  expect(exportUrl({ name: 'b', cloudProvider: 'AWS' }, undefined)).toBeUndefined()
  expect(exportUrl({ name: 'b', cloudProvider: 'ALIBABA' }, prefix)).toBeUndefined()
})

test('an Azure serviceUrl without a scheme is read as text, never thrown on', () => {
  const azure = { name: 'c', cloudProvider: 'AZURE' }
  expect(exportUrl({ ...azure, serviceUrl: 'acct.blob.core.windows.net' }, 'p')).toBe('acct.blob.core.windows.net/c/p')
  expect(exportUrl({ ...azure, serviceUrl: 'acct.blob.core.windows.net/c/' }, 'p')).toBe(
    'acct.blob.core.windows.net/c/p'
  )
  expect(exportUrl({ ...azure, serviceUrl: '::not a url::' }, 'p')).toBe('::not a url::/c/p')
})
