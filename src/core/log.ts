import { createWriteStream, existsSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';

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
 * can never fill a disk.
 */
export function createFileLogger(path: string, options: FileLoggerOptions = {}): Logger {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const now = options.now ?? (() => new Date());
  let size = existsSync(path) ? statSync(path).size : 0;
  let stream: WriteStream = createWriteStream(path, { flags: 'a', mode: 0o600 });

  const rotate = () => {
    stream.end();
    for (let i = keep - 1; i >= 1; i--) {
      if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    }
    if (keep >= 1) renameSync(path, `${path}.1`);
    else rmSync(path, { force: true });
    stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
    size = 0;
  };

  const write = (level: string, message: string) => {
    const line = `${now().toISOString()} ${level} ${message}\n`;
    options.echo?.(line);
    if (size + line.length > maxBytes && size > 0) rotate();
    stream.write(line);
    size += Buffer.byteLength(line);
  };

  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    close: () => new Promise((resolve) => stream.end(resolve)),
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
