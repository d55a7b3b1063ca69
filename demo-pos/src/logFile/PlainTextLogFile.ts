import { closeSync, openSync, writeSync } from 'node:fs';
import type { LogAttributes } from '@stacklens/telemetry';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * The POS's plain-text log, for collectors that can only follow files (the
 * Collector's filelog receiver parses it back into records). One line per
 * record, tab-separated: ISO timestamp, level, message, JSON context. Tabs are
 * the separator because JSON escapes them and the message has them replaced,
 * so the four fields split unambiguously whatever the message says.
 */
export interface PlainTextLogFile {
  write(level: LogLevel, message: string, context: LogAttributes): void;
  close(): void;
}

export function formatLogLine(time: Date, level: LogLevel, message: string, context: LogAttributes): string {
  const oneLine = message.replace(/[\t\r\n]+/g, ' ');
  return `${time.toISOString()}\t${level}\t${oneLine}\t${JSON.stringify(definedOnly(context))}\n`;
}

/**
 * Appends synchronously, one write per line: a record the POS logged is in the
 * file even if the process is killed right after, and O_APPEND keeps lines
 * whole when several processes share the file.
 */
export function openPlainTextLogFile(path: string, clock: () => Date = () => new Date()): PlainTextLogFile {
  const fd = openSync(path, 'a');
  let open = true;
  return {
    write(level, message, context) {
      if (open) writeSync(fd, formatLogLine(clock(), level, message, context));
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

function definedOnly(context: LogAttributes): LogAttributes {
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
}
