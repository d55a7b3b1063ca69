import { existsSync, globSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * One webpack entry per plugin: every plugin.json under src with a module.ts(x) beside it.
 * The app's entry is `module`, a nested plugin's is `<its folder>/module` (Grafana loads
 * `module.js` next to each plugin.json).
 */
export function pluginEntries(sourceDir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const pluginJson of globSync('**/plugin.json', { cwd: sourceDir })) {
    const folder = dirname(pluginJson);
    const module = ['module.tsx', 'module.ts'].map((name) => join(sourceDir, folder, name)).find((path) => existsSync(path));
    if (!module) continue;
    const name = relative(sourceDir, join(sourceDir, folder));
    entries[name === '' ? 'module' : `${name}/module`] = module;
  }
  return entries;
}
