import { describe, expect, it } from 'vitest';
import { matchTest, RouteTree } from '../../harness/grafana/routeTree.ts';

/**
 * The port of Grafana's route tree against the cases of Grafana's own tests: pkg/web/tree_test.go
 * (grafana/grafana) and the macaron tree tests it descends from (Test_Tree_Match), plus the way the
 * plugin proxy uses it — one tree per route path.
 */
function tree(...patterns: string[]): RouteTree {
  const routeTree = new RouteTree();
  for (const pattern of patterns) routeTree.add(pattern);
  return routeTree;
}

describe('Grafana’s route tree, ported', () => {
  it('matches a named segment with a trailing slash (pkg/web/tree_test.go)', () => {
    const { matched, params } = tree('/api/:projectID/envelope/').match('/api/1/envelope/');
    expect(matched).toBe(true);
    expect(params[':projectID']).toBe('1');
  });

  it('matches static routes and nothing else', () => {
    const routes = tree('/', '/user', '/user/unknwon', '/user/unknwon/profile', '/');
    for (const path of ['/', '/user', '/user/unknwon', '/user/unknwon/profile']) expect(routes.match(path).matched, path).toBe(true);
    expect(routes.match('/404').matched).toBe(false);
  });

  it('matches optional segments, decoding escapes', () => {
    const routes = tree('/?:user', '/user/?:name', '/user/list/?:page:int');
    expect(routes.match('/')).toEqual({ matched: true, params: {} });
    expect(routes.match('/unknwon').params[':user']).toBe('unknwon');
    expect(routes.match('/hello%2Fworld').params[':user']).toBe('hello/world');
    expect(routes.match('/user')).toMatchObject({ matched: true });
    expect(routes.match('/user').params[':name']).toBeUndefined();
    expect(routes.match('/user/unknwon').params[':name']).toBe('unknwon');
    expect(routes.match('/hello%20world').params[':user']).toBe('hello world');
    expect(routes.match('/user/list/')).toMatchObject({ matched: true });
    expect(routes.match('/user/list/123').params[':page']).toBe('123');
  });

  it('matches regexp segments (:int, :string, inline groups)', () => {
    const routes = tree('/v1/:year:int/6/23', '/v2/2015/:month:int/23', '/v3/2015/6/:day:int');
    expect(routes.match('/v1/2015/6/23').params[':year']).toBe('2015');
    expect(matchTest('/v1/:year:int/6/23', '/v1/2015/6/23')).toBe(true);
    expect(routes.match('/v1/year/6/23').matched).toBe(false);
    expect(matchTest('/v1/:year:int/6/23', '/v1/year/6/23')).toBe(false);
    expect(routes.match('/v2/2015/6/23').params[':month']).toBe('6');
    expect(routes.match('/v2/2015/month/23').matched).toBe(false);
    expect(routes.match('/v3/2015/6/23').params[':day']).toBe('23');
    expect(routes.match('/v2/2015/6/day').matched).toBe(false);

    routes.add('/v1/shop/cms_:id(.+)_:page(.+).html');
    routes.add('/v1/:v/cms/aaa_:id(.+)_:page(.+).html');
    routes.add('/v1/:v/cms_:id(.+)_:page(.+).html');
    routes.add('/v1/:v(.+)_cms/ttt_:id(.+)_:page:string.html');
    expect(routes.match('/v1/shop/cms_123_1.html').params).toMatchObject({ ':id': '123', ':page': '1' });
    expect(routes.match('/v1/2/cms/aaa_124_2.html').params).toMatchObject({ ':v': '2', ':id': '124', ':page': '2' });
    expect(routes.match('/v1/3/cms_125_3.html').params).toMatchObject({ ':v': '3', ':id': '125', ':page': '3' });
    expect(routes.match('/v1/4_cms/ttt_126_4.html').params).toMatchObject({ ':v': '4', ':id': '126', ':page': '4' });
  });

  it('matches path and extension', () => {
    const routes = tree('/*.*', '/docs/*.*');
    expect(routes.match('/profile.html').params).toMatchObject({ ':path': 'profile', ':ext': 'html' });
    expect(routes.match('/profile').params).toEqual({ ':path': 'profile' });
    expect(routes.match('/docs/framework/manual.html').params).toMatchObject({ ':path': 'framework/manual', ':ext': 'html' });
    expect(routes.match('/docs/framework/manual').params).toEqual({ ':path': 'framework/manual' });
  });

  it('matches all, numbering the globs by level', () => {
    const routes = tree('/*', '/*/123', '/*/123/*', '/*/*/123');
    expect(routes.match('/1/2/3').params['*0']).toBe('1/2/3');
    expect(routes.match('/4/123').params['*0']).toBe('4');
    expect(routes.match('/5/123/6').params).toMatchObject({ '*0': '5', '*1': '6' });
    expect(routes.match('/7/8/123').params).toMatchObject({ '*0': '7', '*1': '8' });
  });

  it('captures the rest after named segments', () => {
    const { matched, params } = tree('/:username/:reponame/commit/*').match('/unknwon/com/commit/d855b6c9dea98c619925b7b112f3c4e64b17bfa8');
    expect(matched).toBe(true);
    expect(params['*']).toBe('d855b6c9dea98c619925b7b112f3c4e64b17bfa8');
  });

  it('as the plugin proxy uses it: a path without `*` matches only itself, `x/*` only what lies below x', () => {
    expect(matchTest('api', 'api')).toBe(true);
    expect(matchTest('api', 'api/stats')).toBe(false);
    expect(matchTest('api/*', 'api')).toBe(false);
    expect(tree('api/*').match('api/incidents/42').params['*']).toBe('incidents/42');
    expect(tree('api/*').match('api/a%2Fb/ack').params['*']).toBe('a/b/ack');
    expect(matchTest('incidents', 'incidents/')).toBe(true);
    expect(matchTest('', '/')).toBe(true);
    expect(matchTest('api/*', 'api/bad%zzescape')).toBe(false);
  });
});
