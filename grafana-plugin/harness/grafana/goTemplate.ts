/**
 * The part of Go's text/template that Grafana's plugin routes use, for the harness's plugin
 * proxy. Grafana renders a route's `url`, its `headers[].content` and `body` with
 * text/template over `{ JsonData, SecureJsonData }` (pkg/api/pluginproxy/utils.go,
 * `interpolateString`, with one extra function `orEmpty`). Supported here: text, field chains
 * (`{{ .JsonData.receiverUrl }}`), `{{ if … }}…{{ else }}…{{ end }}`, `orEmpty`, and the
 * `{{-`/`-}}` trim markers. As in Go, a key missing from a map prints `<no value>` — so a secret
 * that was never saved is sent as `Bearer <no value>`, not as an empty string. Anything else Go
 * would parse is refused here with an error, which the proxy answers with a 500, as Grafana does
 * for a template it cannot parse.
 */

export type TemplateData = Record<string, unknown>;

type Node = { kind: 'text'; text: string } | { kind: 'print'; expr: Expr } | { kind: 'if'; test: Expr; then: Node[]; otherwise: Node[] };

type Expr = { kind: 'field'; path: string[] } | { kind: 'orEmpty'; arg: Expr };

/** Go's printing of a missing value (text/template exec.go, printValue of an invalid reflect.Value). */
const NO_VALUE = '<no value>';
const MISSING = Symbol('missing');

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export function interpolate(text: string, data: TemplateData): string {
  return render(parse(text), data);
}

function parse(text: string): Node[] {
  const tokens = tokenize(text);
  let position = 0;
  const block = (until: readonly string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (position < tokens.length) {
      const token = tokens[position++]!;
      if (token.kind === 'text') {
        nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const action = token.text;
      if (until.includes(action)) return { nodes, end: action };
      if (action.startsWith('if ')) {
        const test = expression(action.slice(3));
        const then = block(['else', 'end']);
        const otherwise = then.end === 'else' ? block(['end']).nodes : [];
        nodes.push({ kind: 'if', test, then: then.nodes, otherwise });
        continue;
      }
      if (action === 'else' || action === 'end') throw new TemplateError(`unexpected {{${action}}}`);
      nodes.push({ kind: 'print', expr: expression(action) });
    }
    if (until.length > 0) throw new TemplateError(`unexpected EOF: missing {{end}}`);
    return { nodes, end: '' };
  };
  return block([]).nodes;
}

function expression(source: string): Expr {
  const words = source.trim().split(/\s+/);
  if (words.length === 2 && words[0] === 'orEmpty') return { kind: 'orEmpty', arg: expression(words[1]!) };
  if (words.length === 1 && /^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(words[0]!)) {
    return { kind: 'field', path: words[0]!.slice(1).split('.') };
  }
  throw new TemplateError(`unsupported template action {{${source}}}`);
}

function tokenize(text: string): Array<{ kind: 'text' | 'action'; text: string }> {
  const tokens: Array<{ kind: 'text' | 'action'; text: string }> = [];
  let rest = text;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open === -1) {
      tokens.push({ kind: 'text', text: rest });
      break;
    }
    const close = rest.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateError('unclosed action');
    let before = rest.slice(0, open);
    let inner = rest.slice(open + 2, close);
    // Trim markers: "{{- " trims the space before, " -}}" the space after.
    if (/^-\s/.test(inner)) {
      before = before.trimEnd();
      inner = inner.slice(1);
    }
    let after = rest.slice(close + 2);
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      after = after.trimStart();
    }
    if (before !== '') tokens.push({ kind: 'text', text: before });
    tokens.push({ kind: 'action', text: inner.trim() });
    rest = after;
  }
  return tokens;
}

function evaluate(expr: Expr, data: TemplateData): unknown {
  if (expr.kind === 'orEmpty') {
    const value = evaluate(expr.arg, data);
    return value === MISSING || value === null || value === undefined ? '' : value;
  }
  let value: unknown = data;
  for (const key of expr.path) {
    if (value === MISSING || value === null || value === undefined) return MISSING;
    if (typeof value !== 'object') throw new TemplateError(`can't evaluate field ${key} in type ${typeof value}`);
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : MISSING;
  }
  return value;
}

/** Go's truth: false, 0, "", nil and empty maps/slices are false. */
function truthy(value: unknown): boolean {
  if (value === MISSING || value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** fmt's %v for the JSON values jsonData holds. */
function print(value: unknown): string {
  if (value === MISSING) return NO_VALUE;
  if (value === null || value === undefined) return NO_VALUE;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return goFloat(value);
  throw new TemplateError('printing objects and arrays is not ported');
}

/** strconv.FormatFloat(v, 'g', -1, 64) as fmt prints a float64: exponent from 1e21 up, two-digit exponents. */
function goFloat(value: number): string {
  const exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 21) {
    return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(value);
}

function render(nodes: readonly Node[], data: TemplateData): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'print') out += print(evaluate(node.expr, data));
    else out += render(truthy(evaluate(node.test, data)) ? node.then : node.otherwise, data);
  }
  return out;
}
