import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Session } from 'chdb';

/** What the shim does with a request: serve it from chDB, fail it as a broken server does, or refuse connections. */
export type ShimMode = 'up' | 'failing' | 'down';

export interface ClickHouseHttpShim {
  readonly url: string;
  readonly port: number;
  /** Requests served (any answer) since start, by mode. */
  readonly served: Record<Exclude<ShimMode, 'down'>, number>;
  setMode(mode: ShimMode): Promise<void>;
  /** A query straight on the engine (for the test's own checks). */
  query<Row>(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

/*
 * There is no ClickHouse server on these machines, so the real engine (chDB) answers behind the
 * part of ClickHouse's HTTP interface that @clickhouse/client uses for the receiver's statements:
 * GET /ping, a statement in the body (query/command), an INSERT in `?query=` with the rows in
 * the body, `param_<name>` bound parameters and settings as URL parameters, errors as a non-200
 * status with a `Code: N. DB::Exception: …` body. Only `failing` is made up: it answers what a
 * server whose tables went read-only (ZooKeeper lost) answers.
 */
const CLIENT_PARAMS = new Set(['query', 'query_id', 'database', 'session_id', 'role', 'default_format']);
const INSERT = /^\s*INSERT\s+INTO\s+(\S+)\s*\(([^)]*)\)\s*FORMAT\s+(\w+)\s*$/i;
const FAILING_BODY =
  'Code: 242. DB::Exception: Table is in readonly mode (replica path: /clickhouse/tables/01/stacklens/otel_logs). (TABLE_IS_READ_ONLY) (version 26.7.1.1)\n';

export async function startClickHouseHttpShim(dataDir: string): Promise<ClickHouseHttpShim> {
  const session = new Session(dataDir);
  const sockets = new Set<Socket>();
  const served = { up: 0, failing: 0 };
  let mode: ShimMode = 'up';
  let server: Server | undefined;
  let port = 0;

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    void readBody(request)
      .then((body) => {
        if (mode === 'failing') {
          served.failing += 1;
          return answer(response, 500, FAILING_BODY);
        }
        served.up += 1;
        return serve(session, request, body).then(
          (result) => answer(response, 200, result),
          (error: unknown) => answer(response, 500, `${clickHouseMessage(error)}\n`),
        );
      })
      .catch(() => response.destroy());
  };

  const listen = async (): Promise<void> => {
    server = createServer({ keepAlive: true }, handle);
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => server!.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    port = (server.address() as { port: number }).port;
  };

  const stopListening = async (): Promise<void> => {
    if (!server) return;
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => closing.close(resolve));
  };

  await listen();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    served,
    async setMode(next) {
      if (next === 'down') await stopListening();
      else if (!server) await listen();
      mode = next;
    },
    async query<Row>(sql: string) {
      const result = await session.queryAsync(sql, { format: 'JSONEachRow' });
      return result
        .text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Row);
    },
    async close() {
      await stopListening();
      session.close();
    },
  };
}

async function serve(session: Session, request: IncomingMessage, body: Buffer): Promise<string> {
  const url = new URL(request.url ?? '/', 'http://shim');
  if (url.pathname === '/ping') return 'Ok.\n';
  const params: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_')) params[key.slice('param_'.length)] = value;
    else if (!CLIENT_PARAMS.has(key)) settings[key] = value;
  }
  const inUrl = url.searchParams.get('query');
  const statement = inUrl ? `${inUrl}\n${body.toString('utf8')}` : body.toString('utf8');
  unescapeStringParams(statement, params);
  const insert = inUrl ? INSERT.exec(inUrl) : null;
  if (insert) {
    const [, table, columns, format] = insert;
    await session.insert({
      table: table!,
      columns: columns!.split(',').map((column) => column.trim()),
      values: body,
      format: format as 'JSONCompactEachRow',
      settings,
    });
    return '';
  }
  const result = Object.keys(params).length > 0 ? await session.queryBindAsync(statement, params) : await session.queryAsync(statement);
  return result.text();
}

/*
 * The server reads a top-level String parameter in the "escaped" text format (the client sends
 * `x\'y` for x'y); chDB's binding takes it verbatim, so the shim undoes the escaping for the
 * placeholders typed String. Arrays and numbers chDB parses from their text itself.
 */
function unescapeStringParams(sql: string, params: Record<string, string>): void {
  for (const [, name, type] of sql.matchAll(/\{(\w+):([^}]+)\}/g)) {
    if (name! in params && /^(LowCardinality\()?(Nullable\()?String\)*$/.test(type!.trim())) {
      params[name!] = params[name!]!.replace(/\\(.)/gs, (_, char: string) => ESCAPES[char] ?? char);
    }
  }
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f' };

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=UTF-8', 'x-clickhouse-server-display-name': 'chdb-shim' });
  response.end(text);
}

function clickHouseMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^Code: \d+\./.test(message) ? message : `Code: 1000. DB::Exception: ${message}`;
}
