/**
 * The layering rules CI holds the workspace to (`pnpm run check:layers`, run by .ci/run):
 * no import cycle, Workers never import the developers' tooling (the command line, the
 * benchmark, the type generator: Node and Miniflare code), and apps never import each other.
 * Tests may use tooling (the API's test setup starts the local D1 REST API); `src/` may not.
 */
const TOOLING = '^tooling/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'An import cycle: split the shared piece into a module both import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-app-imports-tooling',
      severity: 'error',
      comment: 'A Worker imports developer tooling: move what it needs into a package under packages/ without Node or Miniflare.',
      from: { path: '^apps/[^/]+/src/' },
      to: { path: TOOLING },
    },
    {
      name: 'no-app-imports-app',
      severity: 'error',
      comment: 'Apps never import each other: share through a package.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|test-results|\\.wrangler)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};
