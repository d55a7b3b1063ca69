/**
 * The slice of JQL the Jira double understands: what StackLens sends (project, labels,
 * statusCategory, created relative to now, key in (…)), joined with AND, OR and parentheses,
 * and ORDER BY created. Anything else is refused, as Jira refuses a query it cannot parse.
 */

export interface JqlIssue {
  key: string;
  project: string;
  labels: string[];
  statusCategory: string;
  created: number;
}

type Predicate = (issue: JqlIssue, now: number) => boolean;

export interface JqlQuery {
  matches: Predicate;
  order: 'created DESC' | 'created ASC' | undefined;
}

export class JqlError extends Error {}

export function parseJql(jql: string): JqlQuery {
  const orderMatch = /\s+ORDER\s+BY\s+created(?:\s+(ASC|DESC))?\s*$/i.exec(jql);
  const where = orderMatch ? jql.slice(0, orderMatch.index) : jql;
  const tokens = tokenize(where);
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const next = (): string => {
    const token = tokens[position++];
    if (token === undefined) throw new JqlError('the query ends too early');
    return token;
  };
  const expect = (wanted: string) => {
    const token = next();
    if (token.toUpperCase() !== wanted) throw new JqlError(`expected ${wanted}, found ${token}`);
  };

  const expression = (): Predicate => {
    let left = term();
    while (peek()?.toUpperCase() === 'OR') {
      next();
      const right = term();
      const l = left;
      left = (issue, now) => l(issue, now) || right(issue, now);
    }
    return left;
  };
  const term = (): Predicate => {
    let left = factor();
    while (peek()?.toUpperCase() === 'AND') {
      next();
      const right = factor();
      const l = left;
      left = (issue, now) => l(issue, now) && right(issue, now);
    }
    return left;
  };
  const factor = (): Predicate => {
    if (peek() === '(') {
      next();
      const inner = expression();
      expect(')');
      return inner;
    }
    return clause();
  };
  const clause = (): Predicate => {
    const field = next().toLowerCase();
    const operator = next().toUpperCase();
    if (operator === 'IN') {
      expect('(');
      const values: string[] = [];
      for (;;) {
        values.push(unquote(next()));
        const separator = next();
        if (separator === ')') break;
        if (separator !== ',') throw new JqlError(`expected , or ) in the list, found ${separator}`);
      }
      if (field !== 'key') throw new JqlError(`IN is understood for key only`);
      return (issue) => values.includes(issue.key);
    }
    const value = unquote(next());
    switch (field) {
      case 'project':
        return compare(operator, (issue) => issue.project === value);
      case 'labels':
        return compare(operator, (issue) => issue.labels.includes(value));
      case 'statuscategory':
        return compare(operator, (issue) => issue.statusCategory.toLowerCase() === value.toLowerCase());
      case 'created': {
        const relative = /^-(\d+)([mhd])$/.exec(value);
        if (!relative || operator !== '>=') throw new JqlError(`created is understood only as created >= -N(m|h|d)`);
        const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
        const ms = Number(relative[1]) * unit;
        return (issue, now) => issue.created >= now - ms;
      }
      default:
        throw new JqlError(`field ${field} is not understood by the double`);
    }
  };

  const matches = expression();
  if (position !== tokens.length) throw new JqlError(`unexpected ${tokens[position]}`);
  const direction = orderMatch ? ((orderMatch[1] ?? 'ASC').toUpperCase() as 'ASC' | 'DESC') : undefined;
  return { matches, order: direction ? `created ${direction}` : undefined };
}

function compare(operator: string, equal: (issue: JqlIssue) => boolean): Predicate {
  if (operator === '=') return (issue) => equal(issue);
  if (operator === '!=') return (issue) => !equal(issue);
  throw new JqlError(`operator ${operator} is not understood here`);
}

// Done is written without quotes for statusCategory; in the real JQL label values may be too.
function unquote(token: string): string {
  if (!token.startsWith('"')) return token;
  return token.slice(1, -1).replace(/\\(.)/g, '$1');
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*("(?:[^"\\]|\\.)*"|!=|>=|=|\(|\)|,|[^\s()=,!>"]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(text)) !== null) {
    tokens.push(match[1]!);
    consumed = pattern.lastIndex;
  }
  if (text.slice(consumed).trim() !== '')
    throw new JqlError(`cannot read the query from ${JSON.stringify(text.slice(consumed, consumed + 20))}`);
  return tokens;
}
