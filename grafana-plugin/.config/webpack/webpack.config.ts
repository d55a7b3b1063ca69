/**
 * Builds the app and its nested panel into dist/ the way @grafana/create-plugin's
 * configuration does: one AMD module per plugin.json that has a sibling module.tsx,
 * Grafana's shared libraries left external (Grafana's SystemJS provides them), plugin.json
 * files copied with %VERSION% and %TODAY% filled in, plus the logos, README, CHANGELOG, the
 * repository's LICENSE and the dashboards.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Configuration } from 'webpack';
import { pluginEntries } from './pluginEntries.ts';
import { externals } from './externals.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = resolve(ROOT, 'src');
const DIST = resolve(ROOT, 'dist');

interface Env {
  production?: boolean;
}

export default function config(env: Env = {}): Configuration {
  const pluginJson = JSON.parse(readFileSync(resolve(SRC, 'plugin.json'), 'utf8')) as { id: string };
  const version = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const fillPlaceholders = (content: Buffer): string =>
    content
      .toString('utf8')
      .replaceAll('%VERSION%', version)
      .replaceAll('%TODAY%', new Date().toISOString().slice(0, 10))
      .replaceAll('%PLUGIN_ID%', pluginJson.id);
  return {
    context: SRC,
    mode: env.production ? 'production' : 'development',
    devtool: env.production ? 'source-map' : 'eval-source-map',
    entry: pluginEntries(SRC),
    externals,
    module: {
      rules: [
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2020',
                parser: { syntax: 'typescript', tsx: true },
                transform: { react: { runtime: 'automatic' } },
              },
            },
          },
        },
      ],
    },
    output: {
      clean: true,
      filename: '[name].js',
      path: DIST,
      library: { type: 'amd' },
      // Where Grafana serves the plugin's files from.
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
    },
    performance: { hints: false },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: '**/plugin.json', to: '[path][name][ext]', transform: fillPlaceholders },
          { from: '**/img/*', to: '[path][name][ext]' },
          { from: 'README.md', to: '.', transform: fillPlaceholders },
          // The validator and the plugin catalog want both in the archive: the changelog of this
          // package, the licence of the repository (Apache-2.0).
          { from: resolve(ROOT, 'CHANGELOG.md'), to: '.' },
          { from: resolve(ROOT, '../LICENSE'), to: '.', noErrorOnMissing: true },
          // The catalog's screenshots (plugin.json info.screenshots) are the README's.
          ...['live', 'incident-ticket', 'config'].map((name) => ({
            from: resolve(ROOT, `../docs/screenshots/${name}.png`),
            to: 'img/screenshots/[name][ext]',
          })),
          { from: resolve(ROOT, 'provisioning/dashboards/*.json'), to: 'dashboards/[name][ext]' },
        ],
      }),
    ],
    resolve: { extensions: ['.ts', '.tsx', '.js'] },
  };
}
