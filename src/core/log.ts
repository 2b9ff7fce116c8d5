import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  close(): Promise<void>;
}

export interface FileLoggerOptions {
  /** Rotate when the file passes this size. */
  maxBytes?: number;
  /** How many rotated files (`clp.log.1` …) to keep. */
  keep?: number;
  /** Also write each line here (foreground mode prints to the terminal). */
  echo?: (line: string) => void;
  now?: () => Date;
}

/**
 * The owner's own log (`$CLP_HOME/run/clp.log`): lifecycle, config errors and CLP-side failures, never
 * request contents or credentials (those go to the request store, redacted). Rotated by size so it
 * can never fill a disk. Lines are few (nothing is logged per successful request), so they are written
 * synchronously: a line is on disk before a crash can lose it, and rotation never races a pending open.
 */
export function createFileLogger(path: string, options: FileLoggerOptions = {}): Logger {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const now = options.now ?? (() => new Date());
  let size = existsSync(path) ? statSync(path).size : 0;
  let fd = openSync(path, 'a', 0o600);

  const rotate = () => {
    closeSync(fd);
    for (let i = keep - 1; i >= 1; i--) {
      if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    }
    if (keep >= 1) renameSync(path, `${path}.1`);
    else rmSync(path, { force: true });
    fd = openSync(path, 'a', 0o600);
    size = 0;
  };

  const write = (level: string, message: string) => {
    const line = `${now().toISOString()} ${level} ${message}\n`;
    options.echo?.(line);
    const bytes = Buffer.from(line);
    if (size + bytes.length > maxBytes && size > 0) rotate();
    writeSync(fd, bytes);
    size += bytes.length;
  };

  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    close: async () => {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}

/** A logger that keeps lines in memory: for tests and for hosts that route logs elsewhere. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(`info ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => void lines.push(`error ${m}`),
    close: async () => undefined,
  };
}
