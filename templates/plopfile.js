// Plop generators behind `pype new-module`. The CLI passes every answer (names, type,
// dependency ranges), so the generator asks nothing; `npx plop module` is not the entry point.
export default function (plop) {
  plop.setHelper('json', (value) => JSON.stringify(value));
  plop.setHelper('eq', (a, b) => a === b);
  plop.setGenerator('module', {
    description: 'a PYpeline module package (source, mod, sink or solo)',
    prompts: [],
    actions: (data) => [
      {
        type: 'addMany',
        destination: '{{dir}}',
        base: 'module/common',
        templateFiles: 'module/common/**',
        globOptions: { dot: true },
      },
      {
        type: 'addMany',
        destination: '{{dir}}/src',
        base: `module/${data.type}`,
        templateFiles: `module/${data.type}/*`,
      },
      {
        type: 'addMany',
        destination: '{{dir}}',
        base: 'module/standalone',
        templateFiles: 'module/standalone/**',
        globOptions: { dot: true },
        skip: () => (data.monorepo ? 'inside the monorepo: the root .gitignore and .changeset/ apply' : false),
      },
      {
        type: 'add',
        path: '{{changesetDir}}/{{kebab}}-initial.md',
        templateFile: 'module/changeset.md.hbs',
      },
    ],
  });
}
