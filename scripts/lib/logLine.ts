/**
 * A service's output line as a person reads it under `npm start`: the receiver logs pino JSON
 * (`{"level":40,"time":…,"msg":"…","err":{…}}`, for log shippers); the console gets
 * `WARN Jira refused …` instead. Lines that are not pino JSON pass as they are.
 */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

export function readableLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null) return line;
  const { level, msg, err } = entry as { level?: unknown; msg?: unknown; err?: { message?: unknown } };
  if (typeof level !== 'number' || typeof msg !== 'string') return line;
  const cause = typeof err?.message === 'string' && err.message !== '' && !msg.includes(err.message) ? ` (${err.message})` : '';
  return `${LEVELS[level] ?? `LEVEL ${level}`} ${msg}${cause}`;
}
