import type { Configuration } from 'webpack';

/** Libraries Grafana itself provides to plugins at run time: bundling a second copy would break React and the theme. */
export const externals: Configuration['externals'] = [
  'lodash',
  'moment',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'react',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'react-router-dom',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
];
