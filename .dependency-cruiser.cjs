/** Import rules: see README, "Architecture". `npm run deps` fails on any violation. */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No circular imports anywhere.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'db-not-to-electron',
      severity: 'error',
      comment: 'Nothing under db/ imports the host (electron/).',
      from: { path: '^db/' },
      to: { path: '^electron/' },
    },
    {
      name: 'renderer-only-contracts-and-shared',
      severity: 'error',
      comment: 'The renderer imports the command contracts and the bridge (types only) and db/shared, nothing else outside renderer/.',
      from: { path: '^renderer/src/' },
      to: { path: '^(db|electron|templates|scripts)/', pathNot: ['^db/shared/', '^electron/commands/([^/]+\\.contract|contract|spec)\\.ts$', '^electron/bridge\\.ts$'] },
    },
    {
      name: 'renderer-contracts-types-only',
      severity: 'error',
      // A type-only import is erased by the renderer build, so the bridge's type (derived from the preload's code) may
      // come from electron/ without any of its code.
      comment: 'Contracts and the bridge reach the renderer as types; run-time values come from db/shared.',
      from: { path: '^renderer/src/' },
      to: { path: '^electron/(commands/([^/]+\\.contract|contract|spec)|bridge)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-is-browser-safe',
      severity: 'error',
      comment: 'db/shared is vocabulary for both sides: it imports only db/shared and no Node built-ins.',
      from: { path: '^db/shared/' },
      to: { pathNot: '^db/shared/' },
    },
    {
      name: 'store-below-domains',
      severity: 'error',
      comment: 'db/store (connection, schema, migrations, storage, backup, secrets) imports only db/store and db/shared; the seed sits above the domains.',
      from: { path: '^db/store/', pathNot: '^db/store/seed\\.ts$' },
      to: { path: '^db/', pathNot: ['^db/store/', '^db/shared/', '^db/migrations/'] },
    },
    {
      name: 'migrations-frozen',
      severity: 'error',
      comment: 'Migrations never import app code.',
      from: { path: '^db/(store/)?migrations/' },
      to: { path: '^(db|electron|renderer|templates)/', pathNot: '^db/(store/)?migrations/' },
    },
    {
      name: 'templates-no-services',
      severity: 'error',
      comment: 'Mail templates use db/shared and the newsletter domain only.',
      from: { path: '^templates/' },
      to: { path: '^(db|electron)/', pathNot: ['^db/shared/', '^db/newsletter/'] },
    },
    {
      name: 'handlers-not-to-handlers',
      severity: 'error',
      comment: 'Handlers never import each other; shared work belongs in a domain service.',
      from: { path: '^electron/handlers/([^/]+)\\.ts$' },
      to: { path: '^electron/handlers/', pathNot: '^electron/handlers/$1\\.ts$' },
    },
    {
      name: 'handlers-no-sql',
      severity: 'warn',
      comment: 'Handlers call ctx.services; SQL lives in the domains.',
      from: { path: '^electron/handlers/' },
      to: { path: '^(node_modules/)?(kysely|better-sqlite3)(/|$)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'Application code does not import devDependencies.',
      from: { path: '^(db|electron|templates)/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], pathNot: ['node_modules/@types/', 'node_modules/electron/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|out|node_modules|renderer/dist)/' },
    includeOnly: '^(db|electron|renderer/src|templates|scripts|tests|node_modules)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
