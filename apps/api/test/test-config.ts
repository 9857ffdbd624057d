/** The secret the tests' Worker verifies tokens with (a Worker secret in a deployment). */
export const TEST_AUTH_SECRET = 'test-secret-of-the-waddle-api-at-least-32-chars';

/** The key the tests' tokens are signed with: `AUTH_SECRET`, whose key id is the default one. */
export const TEST_SIGNING_KEY = { kid: 'default', secret: TEST_AUTH_SECRET } as const;

/** Waddle databases the test Worker binds: binding name → D1 database id. */
export const TEST_WADDLE_BINDINGS = {
  WADDLE_PRIVATE: 'test-waddle-private',
  WADDLE_PUBLIC: 'test-waddle-public',
  // Three more, so a privacy test reaches five waddle databases.
  WADDLE_THIRD: 'test-waddle-third',
  WADDLE_FOURTH: 'test-waddle-fourth',
  WADDLE_FIFTH: 'test-waddle-fifth',
} as const;

/** The upload limits of the tests' Worker: a direct upload of at most 1 KiB, any file of at most 16 MiB (three parts of 5 MiB and a rest). */
export const TEST_ATTACHMENT_LIMITS = { directMaxBytes: 1024, maxBytes: 16 * 1024 * 1024 } as const;
