import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Architecture boundaries (ARCHITECTURE.md, "Boundaries"): which @pypeline packages each layer
// may import. WARNING: flat config replaces a rule's options instead of merging them, so every
// file must match exactly one block below; the `files`/`ignores` globs do not overlap.
const allOf = (...names) => `^@pypeline/(${names.join('|')})(/|$)`;
const allBut = (...names) => `^@pypeline/(?!(${names.join('|')})(/|$))`;
const MODULE = 'mod-[a-z0-9-]+';
const HELPERS = ['sdk', 'expr', 'verbs', 'parquet', 'postgres', 'mysql', 'http', 'object-store', 'spill', 'brokers'];
const TESTS = '**/*.test.ts';
// A relative path into another package's folder would dodge every rule below.
const INTO_ANOTHER_PACKAGE = '^(\\.{1,2}/)+(packages|modules|tools|bench)/';

function boundary(name, files, forbid, why, ignores = []) {
  const message = `architecture boundary "${name}": ${why}. See ARCHITECTURE.md, "Boundaries".`;
  const byPath = { regex: INTO_ANOTHER_PACKAGE, message: 'architecture boundary "packages by name": import another package by its name (@pypeline/...), not by a relative path into its folder. See ARCHITECTURE.md, "Boundaries".' };
  const rules = { 'no-restricted-imports': ['error', { patterns: forbid ? [{ regex: forbid, message }, byPath] : [byPath] }] };
  // no-restricted-imports skips `import()`; esquery regexes cannot contain "/", and \u002F is the same character to RegExp.
  if (forbid) rules['no-restricted-syntax'] = ['error', { selector: `ImportExpression[source.value=/${forbid.replaceAll('/', '\\u002F')}/]`, message }];
  return { name: `architecture/${name}`, files, ignores, rules };
}

// A layer that may import only the named packages; its tests may also use @pypeline/test-services.
function importsOnly(name, dirs, may, why) {
  const forbid = (...names) => (names.length ? allBut(...names) : '^@pypeline/');
  return [
    boundary(name, dirs.map((dir) => `${dir}/src/**`), forbid(...may), why, [TESTS]),
    boundary(`${name} (tests)`, dirs.map((dir) => `${dir}/src/${TESTS}`), forbid(...may, 'test-services'), `${why}; tests may also use @pypeline/test-services`),
  ];
}

const BOUNDARIES = [
  ...importsOnly('sdk is the leaf', ['packages/sdk'], [],
    '@pypeline/sdk is the module contract every package builds on, so it imports no @pypeline package'),
  ...importsOnly('expr and parquet are leaves', ['packages/expr', 'packages/parquet'], ['sdk'],
    '@pypeline/expr and @pypeline/parquet import no @pypeline package but @pypeline/sdk, so modules and every runtime can share them'),
  ...importsOnly('helpers import leaves', ['packages/verbs', 'packages/postgres', 'packages/mysql', 'packages/http', 'packages/object-store'], ['sdk', 'expr', 'parquet'],
    'the helper packages modules share (verbs, postgres, mysql, http, object-store) import only the leaves sdk, expr and parquet'),
  ...importsOnly('spill sits on verbs', ['packages/spill'], ['sdk', 'expr', 'parquet', 'verbs'],
    'the out-of-core helpers (spill) import only the leaves and verbs, so every module can use them'),
  ...importsOnly('brokers sit on verbs', ['packages/brokers'], ['sdk', 'expr', 'parquet', 'verbs'],
    'the broker plumbing (brokers) that modules and the stream connectors share imports only the leaves and verbs, so every module can use it'),
  ...importsOnly('modules use the SDK', ['modules/*'], HELPERS,
    'a module imports only @pypeline/sdk (a peer) and the shared helpers expr, verbs, parquet, postgres, mysql, http, object-store, spill and brokers, never core, cli, server, executor-bullmq, stream* or another module, so it runs unchanged in batch, stream and worker processes'),
  ...importsOnly('the console is a browser app', ['packages/console'], [],
    '@pypeline/console is a browser app bundled into static files: it imports no @pypeline package and reads everything from the pype serve API'),
  boundary('core is the engine', ['packages/core/src/**'], allOf('cli', 'server', 'executor-bullmq', 'stream', 'stream-connectors', 'telemetry', MODULE),
    '@pypeline/core never imports a module (the registry discovers modules at run time) nor the packages built on it (cli, server, executor-bullmq, stream, stream-connectors, telemetry)'),
  boundary('runtimes sit on core', ['packages/{executor-bullmq,server,stream,stream-connectors,telemetry}/src/**'], allOf('cli', MODULE),
    'executor-bullmq, server, stream, stream-connectors and telemetry never import @pypeline/cli, and import modules only in tests (at run time the registry finds them)', [TESTS]),
  boundary('runtime tests', [`packages/{executor-bullmq,server,stream,stream-connectors,telemetry}/src/${TESTS}`], allOf('cli'),
    'nothing imports @pypeline/cli: it is the top of the stack'),
  boundary('nothing imports the cli', ['tools/*/src/**', 'tools/*/bin/**', 'bench/src/**'], allOf('cli'),
    'nothing imports @pypeline/cli: it is the top of the stack (run its built bin instead)'),
  boundary('the cli is the top', ['packages/cli/src/**'], undefined, 'the cli may import every package'),
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', 'templates/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // Tests may cast a fixture to any to reach a case the types forbid (a config the schema refuses).
  { files: [TESTS, '**/testing/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  ...BOUNDARIES,
);
