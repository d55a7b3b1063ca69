/**
 * The receiver's layers, lowest first: a module may import its own folder and the layers below
 * it, never a layer above or a sibling folder of its own layer. `npm run lint` checks it.
 */
const LAYERS = [
  ['store/'],
  ['config.ts', 'settings/', 'http/'],
  ['integrations/'],
  ['ingest/', 'group/', 'publish/'],
  ['ticket/'],
  ['enrich/'],
  ['migrations.ts'],
  ['receiver.ts'],
  ['index.ts', 'main.ts'],
];

const SRC = '^src/';
const escape = (part) => part.replace(/[.]/g, '\\.');
const pathOf = (part) => `${SRC}${escape(part)}${part.endsWith('/') ? '' : '$'}`;

const layerRules = LAYERS.flatMap((layer, rank) =>
  layer.map((part) => {
    const above = LAYERS.slice(rank + 1).flat();
    const siblings = layer.filter((other) => other !== part);
    return {
      name: `layer-${part.replace(/[/.]/g, '-')}`.replace(/-$/, ''),
      comment: `${part} may import its own folder and the layers below it only`,
      severity: 'error',
      from: { path: pathOf(part) },
      to: { path: [...above, ...siblings].map(pathOf) },
    };
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other in a loop cannot be read top-down.',
      severity: 'error',
      from: { path: SRC },
      to: { circular: true },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
