/** Builds the Atlas client for the credential the workflow gave. */
import { AtlasClient } from './atlas/client.js'
import { DigestAuth } from './atlas/digest-auth.js'
import { retryPolicyFrom } from './atlas/retry.js'
import { ServiceAccountAuth } from './atlas/service-account-auth.js'
import { createTransport } from './atlas/transport.js'
import type { Clock } from './clock.js'
import type { Inputs } from './inputs.js'
import type { Log } from './log.js'
import type { Env } from './runner.js'
import { USER_AGENT } from './version.js'

export interface ConnectOptions {
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

export function connect(inputs: Inputs, { deadline, log, clock, env, mask, signal }: ConnectOptions): AtlasClient {
  const transport = createTransport({ timeoutMs: inputs.requestTimeoutMs, userAgent: USER_AGENT })
  const { credentials } = inputs
  const auth =
    credentials.kind === 'digest'
      ? new DigestAuth(credentials.publicKey, credentials.privateKey, transport)
      : new ServiceAccountAuth({
          baseUrl: inputs.baseUrl,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          transport,
          userAgent: USER_AGENT,
          mask,
          log,
          clock
        })
  return new AtlasClient({
    baseUrl: inputs.baseUrl,
    auth,
    envelope: inputs.envelope,
    userAgent: USER_AGENT,
    log,
    clock,
    deadline,
    signal,
    requestTimeoutMs: inputs.requestTimeoutMs,
    retryPolicy: retryPolicyFrom(env)
  })
}
