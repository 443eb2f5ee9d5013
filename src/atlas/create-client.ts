/** Builds the Atlas client for the credential the workflow gave. */
import type { Inputs } from '../inputs/inputs.js'
import type { Clock } from '../runner/clock.js'
import type { Log } from '../runner/log.js'
import type { Env } from '../runner/runner.js'
import { DigestAuth } from './auth/digest.js'
import { ServiceAccountAuth } from './auth/service-account.js'
import { AtlasClient } from './client.js'
import { retryPolicyFrom } from './retry.js'
import { Throttle } from './throttle.js'
import { createTransport } from './transport.js'

/** Requests in flight at once with a service account: a few connections for a whole fleet. */
const MAX_IN_FLIGHT = 4

export interface ClientOptions {
  /** The run's budget (start + wait-timeout); no retry waits past it. */
  readonly deadline: number
  readonly log: Log
  readonly clock: Clock
  readonly env: Env
  /** Hides a secret (the service-account token) in every later log line. */
  readonly mask: (secret: string) => void
  /** Aborted when the workflow run is cancelled. */
  readonly signal: AbortSignal
}

export function createAtlasClient(
  inputs: Pick<Inputs, 'credentials' | 'baseUrl' | 'envelope' | 'requestTimeoutMs'>,
  { deadline, log, clock, env, mask, signal }: ClientOptions
): AtlasClient {
  const transport = createTransport({ timeoutMs: inputs.requestTimeoutMs, env })
  const { credentials } = inputs
  const auth =
    credentials.kind === 'digest'
      ? new DigestAuth(credentials.publicKey, credentials.privateKey, transport)
      : new ServiceAccountAuth({
          baseUrl: inputs.baseUrl,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          transport,
          mask,
          log,
          clock
        })
  return new AtlasClient({
    baseUrl: inputs.baseUrl,
    auth,
    envelope: inputs.envelope,
    log,
    clock,
    deadline,
    signal,
    requestTimeoutMs: inputs.requestTimeoutMs,
    retryPolicy: retryPolicyFrom(env),
    // Digest sends one request at a time (one nonce, nc counting up in the order Atlas
    // sees them); a service account's bearer token lets a few go at once.
    throttle: new Throttle(credentials.kind === 'digest' ? 1 : MAX_IN_FLIGHT)
  })
}
