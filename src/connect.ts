/** Builds the Atlas client for the credential the workflow gave. */
import * as core from '@actions/core'
import { AtlasClient } from './atlas/client.js'
import { DigestAuth } from './atlas/digest-auth.js'
import { ServiceAccountAuth } from './atlas/service-account-auth.js'
import { createTransport } from './atlas/transport.js'
import type { Inputs } from './inputs.js'
import { USER_AGENT } from './version.js'

/** `deadline`: the run's budget (start + wait-timeout); no retry waits past it. */
export function connect(inputs: Inputs, deadline: number): AtlasClient {
  const transport = createTransport({ timeoutMs: inputs.requestTimeoutMs })
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
          mask: core.setSecret,
          warn: core.warning
        })
  return new AtlasClient({
    baseUrl: inputs.baseUrl,
    auth,
    envelope: inputs.envelope,
    userAgent: USER_AGENT,
    log: core,
    deadline,
    requestTimeoutMs: inputs.requestTimeoutMs
  })
}
