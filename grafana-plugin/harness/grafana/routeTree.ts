/**
 * Grafana's route tree (pkg/web/tree.go, the macaron tree Grafana keeps; read at grafana/grafana
 * commit e6c1350, the version the 10.x–13.x plugin proxy builds on), ported to TypeScript for the
 * harness's plugin proxy. The plugin proxy builds one tree per plugin route —
 * `t := web.NewTree(); t.Add(route.Path, nil); t.Match(proxyPath)` — so this decides which
 * plugin.json route a call reaches. Ported as written, quirks included:
 *
 * - a static path matches only itself (`api` does not match `api/stats`);
 * - `*` as the last segment matches one or more segments and captures them, unescaped, in
 *   params['*'] (`api/*` does not match `api` itself);
 * - `:name` takes one segment; `:name` with text around it or a `(regexp)` is a regexp that Go runs
 *   unanchored (FindStringSubmatch);
 * - one leading and one trailing slash of the path are ignored; segments are percent-decoded
 *   before they are compared, so an escaped `%2F` becomes a `/` in the captured rest.
 *
 * Differences: Go's regexp syntax (RE2) is read by JavaScript's RegExp, the same for the
 * patterns routes use; Go's PathUnescape keeps invalid UTF-8 bytes, here they become U+FFFD.
 */

/** The pattern types in Go's order, which is also the order leaves and subtrees are tried in. */
const PatternType = {
  Static: 0, // /home
  Regexp: 1, // /:id([0-9]+)
  PathExt: 2, // /*.*
  Holder: 3, // /:user
  MatchAll: 4, // /*
} as const;
type PatternKind = (typeof PatternType)[keyof typeof PatternType];

export type Params = Record<string, string>;

interface Pattern {
  typ: PatternKind;
  pattern: string;
  wildcards: string[];
  reg?: RegExp;
}

const WILDCARD = /:[a-zA-Z0-9]+/;

/** getNextWildcard: the next `:name`, and the pattern with it replaced by its regexp. */
function nextWildcard(pattern: string): { wildcard: string; pattern: string } {
  const match = WILDCARD.exec(pattern);
  if (!match) return { wildcard: '', pattern };
  const wildcard = match[0];
  const end = match.index + wildcard.length;
  if (pattern.length === end) return { wildcard, pattern: pattern.replace(wildcard, '(.+)') };
  if (pattern[end] !== '(') {
    if (pattern.startsWith(':int', end)) pattern = pattern.replace(':int', '([0-9]+)');
    else if (pattern.startsWith(':string', end)) pattern = pattern.replace(':string', '([\\w]+)');
    else return { wildcard, pattern: pattern.replace(wildcard, '(.+)') };
  }
  // A regexp follows the placeholder (or :int/:string became one): cut the placeholder out.
  return { wildcard, pattern: pattern.slice(0, match.index) + pattern.slice(end) };
}

function checkPattern(raw: string): Pattern {
  const pattern = raw.replace(/^\?+/, '');
  if (pattern === '*') return { typ: PatternType.MatchAll, pattern: raw, wildcards: [] };
  if (pattern === '*.*') return { typ: PatternType.PathExt, pattern: raw, wildcards: [] };
  if (!pattern.includes(':')) return { typ: PatternType.Static, pattern: raw, wildcards: [] };
  const wildcards: string[] = [];
  let rest = pattern;
  for (;;) {
    const next = nextWildcard(rest);
    if (next.wildcard === '') break;
    wildcards.push(next.wildcard);
    rest = next.pattern;
  }
  if (rest === '(.+)') return { typ: PatternType.Holder, pattern: raw, wildcards };
  return { typ: PatternType.Regexp, pattern: raw, wildcards, reg: new RegExp(rest) };
}

/** Go's url.PathUnescape: %XX decoded, a malformed escape is an error (undefined); '+' stays '+'. */
export function pathUnescape(text: string): string | undefined {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A leaf of the tree: the last segment of a route pattern. */
class Leaf {
  readonly optional: boolean;
  readonly spec: Pattern;
  constructor(pattern: string) {
    this.spec = checkPattern(pattern);
    this.optional = pattern.startsWith('?');
  }
}

export class RouteTree {
  readonly #parent: RouteTree | undefined;
  readonly spec: Pattern;
  readonly #subtrees: RouteTree[] = [];
  readonly #leaves: Leaf[] = [];

  constructor(parent?: RouteTree, pattern = '') {
    this.#parent = parent;
    this.spec = checkPattern(pattern);
  }

  /** Tree.Add: a trailing slash is dropped, then the pattern is split into segments. */
  add(pattern: string): void {
    this.#addNextSegment(pattern.endsWith('/') ? pattern.slice(0, -1) : pattern);
  }

  /** Tree.Match: whether the path matches, and the captured parameters. */
  match(url: string): { matched: boolean; params: Params } {
    let path = url.startsWith('/') ? url.slice(1) : url;
    if (path.endsWith('/')) path = path.slice(0, -1);
    const params: Params = {};
    const matched = this.#matchNextSegment(0, path, params);
    return { matched, params };
  }

  #addNextSegment(pattern: string): void {
    const trimmed = pattern.startsWith('/') ? pattern.slice(1) : pattern;
    const slash = trimmed.indexOf('/');
    if (slash === -1) this.#addLeaf(trimmed);
    else this.#addSubtree(trimmed.slice(0, slash), trimmed.slice(slash + 1));
  }

  #addLeaf(pattern: string): void {
    if (this.#leaves.some((leaf) => leaf.spec.pattern === pattern)) return;
    const leaf = new Leaf(pattern);
    // An optional leaf (`?x`) is also added, without it, one level up.
    if (leaf.optional) {
      if (this.#parent) this.#parent.#addLeaf(this.spec.pattern);
      else this.#addLeaf('');
    }
    insertByType(this.#leaves, leaf, (item) => item.spec.typ);
  }

  #addSubtree(segment: string, pattern: string): void {
    const existing = this.#subtrees.find((subtree) => subtree.spec.pattern === segment);
    if (existing) return existing.#addNextSegment(pattern);
    const subtree = new RouteTree(this, segment);
    insertByType(this.#subtrees, subtree, (item) => item.spec.typ);
    subtree.#addNextSegment(pattern);
  }

  #matchLeaf(globLevel: number, segment: string, params: Params): boolean {
    const url = pathUnescape(segment);
    if (url === undefined) return false;
    for (const { spec } of this.#leaves) {
      switch (spec.typ) {
        case PatternType.Static:
          if (spec.pattern === url) return true;
          break;
        case PatternType.Regexp: {
          const results = spec.reg!.exec(url);
          // Go: the number of groups must equal the number of wildcards; no match counts as zero.
          if ((results ? results.length - 1 : -1) !== spec.wildcards.length) break;
          spec.wildcards.forEach((wildcard, j) => (params[wildcard] = results![j + 1] ?? ''));
          return true;
        }
        case PatternType.PathExt:
          setPathExt(url, params);
          return true;
        case PatternType.Holder:
          params[spec.wildcards[0]!] = url;
          return true;
        case PatternType.MatchAll:
          params['*'] = url;
          params[`*${globLevel}`] = url;
          return true;
      }
    }
    return false;
  }

  #matchSubtree(globLevel: number, segment: string, url: string, params: Params): boolean {
    const unescaped = pathUnescape(segment);
    if (unescaped === undefined) return false;
    for (const subtree of this.#subtrees) {
      const { spec } = subtree;
      switch (spec.typ) {
        case PatternType.Static:
          if (spec.pattern === unescaped && subtree.#matchNextSegment(globLevel, url, params)) return true;
          break;
        case PatternType.Regexp: {
          const results = spec.reg!.exec(unescaped);
          if ((results ? results.length - 1 : -1) !== spec.wildcards.length) break;
          spec.wildcards.forEach((wildcard, j) => (params[wildcard] = results![j + 1] ?? ''));
          if (subtree.#matchNextSegment(globLevel, url, params)) return true;
          break;
        }
        case PatternType.Holder:
          if (subtree.#matchNextSegment(globLevel + 1, url, params)) {
            params[spec.wildcards[0]!] = unescaped;
            return true;
          }
          break;
        case PatternType.MatchAll:
          if (subtree.#matchNextSegment(globLevel + 1, url, params)) {
            params[`*${globLevel}`] = unescaped;
            return true;
          }
          break;
        default:
      }
    }
    // No subtree took the rest: a `*` or `*.*` leaf (the last leaf, leaves being sorted by type) takes all of it.
    const leaf = this.#leaves.at(-1);
    if (!leaf) return false;
    const rest = pathUnescape(`${segment}/${url}`);
    if (rest === undefined) return false;
    if (leaf.spec.typ === PatternType.PathExt) {
      setPathExt(rest, params);
      return true;
    }
    if (leaf.spec.typ === PatternType.MatchAll) {
      params['*'] = rest;
      params[`*${globLevel}`] = rest;
      return true;
    }
    return false;
  }

  #matchNextSegment(globLevel: number, url: string, params: Params): boolean {
    const slash = url.indexOf('/');
    if (slash === -1) return this.#matchLeaf(globLevel, url, params);
    return this.#matchSubtree(globLevel, url.slice(0, slash), url.slice(slash + 1), params);
  }
}

function setPathExt(url: string, params: Params): void {
  const dot = url.lastIndexOf('.');
  if (dot > -1) {
    params[':path'] = url.slice(0, dot);
    params[':ext'] = url.slice(dot + 1);
  } else {
    params[':path'] = url;
  }
}

/** Inserts before the first item of a higher pattern type, as Go's addLeaf/addSubtree do. */
function insertByType<T>(list: T[], item: T, typeOf: (item: T) => PatternKind): void {
  const index = list.findIndex((existing) => typeOf(item) < typeOf(existing));
  if (index === -1) list.push(item);
  else list.splice(index, 0, item);
}

/** web.MatchTest: one pattern, one path. */
export function matchTest(pattern: string, url: string): boolean {
  const tree = new RouteTree();
  tree.add(pattern);
  return tree.match(url).matched;
}
