import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real HTTP endpoint serving an identity provider's JWKS (one RS256 public key, kid `idp-1`). */
    jwksUrl: string;
    /** The private half of that key, as a JWK, so a test can sign as the identity provider. */
    identityProviderPrivateJwk: string;
    /** A loopback URL where nothing listens: a key set that cannot be fetched. */
    unreachableJwksUrl: string;
  }
}

/**
 * Serves an identity provider's key set over real HTTP for the test run (in Node, outside workerd),
 * as an identity provider publishes it at `/.well-known/jwks.json`; the tests' Worker fetches it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' }] });
  const server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const unreachablePort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));

  project.provide('jwksUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
  project.provide('identityProviderPrivateJwk', JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'idp-1', alg: 'RS256' }));
  project.provide('unreachableJwksUrl', `http://127.0.0.1:${unreachablePort}/.well-known/jwks.json`);
  return () => new Promise((resolve) => server.close(() => resolve()));
}
