import { join } from 'node:path';

/**
 * A hand-written fake of the part of the `vscode` API the extension uses. It records what the
 * extension shows (status bar, messages, trees, webviews) and answers its questions from handlers
 * a test sets (`answer`, `pick`, `input`). One fake per simulated editor window.
 */
type Listener<T> = (e: T) => void;

class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  event = (l: Listener<T>) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class Uri {
  constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  get path(): string {
    return this.fsPath;
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    return new Uri(s.split(':')[0]!, s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, join(base.fsPath, ...parts));
  }
  toString(): string {
    return this.scheme === 'file' ? `file://${this.fsPath}` : this.fsPath;
  }
}

class TreeItem {
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  id?: string;
  constructor(
    readonly label: string,
    readonly collapsibleState?: number,
  ) {}
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}
class ThemeColor {
  constructor(readonly id: string) {}
}
class MarkdownString {
  constructor(readonly value: string) {}
}

export interface Message {
  level: 'info' | 'warning' | 'error';
  text: string;
  items: string[];
  detail?: string;
}

export function createFakeVscode(extensionPath: string) {
  const settings = new Map<string, unknown>();
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const executed: Array<[string, unknown[]]> = [];
  const messages: Message[] = [];
  const trees = new Map<string, { getChildren(n?: unknown): unknown[]; getTreeItem(n: unknown): TreeItem }>();
  const statusItems: Array<{ text: string; tooltip: unknown; backgroundColor: ThemeColor | undefined; command?: string; visible: boolean }> = [];
  const panels: Array<{ html: string; posted: unknown[]; receive: (m: unknown) => void; disposed: boolean }> = [];
  const opened: string[] = [];
  const output: string[] = [];
  const extensions = new Map<string, { packageJSON: unknown }>();
  const globalState = new Map<string, unknown>();
  const extensionsChanged = new EventEmitter<void>();
  /** Installs (or enables) an extension while the window runs, as VS Code tells its extensions. */
  const installExtension = (id: string, packageJSON: unknown) => {
    extensions.set(id, { packageJSON });
    extensionsChanged.fire();
  };
  const handlers = {
    /** The button a test clicks for a message; undefined dismisses it. */
    answer: (_m: Message): string | undefined => undefined,
    pick: (_items: unknown[], _opts: unknown): unknown => undefined,
    input: (_opts: { prompt?: string; value?: string }): string | undefined => undefined,
  };

  const show =
    (level: Message['level']) =>
    async (text: string, ...rest: unknown[]) => {
      const opts = rest[0] && typeof rest[0] === 'object' ? (rest.shift() as { detail?: string }) : undefined;
      const m: Message = { level, text, items: rest as string[], detail: opts?.detail };
      messages.push(m);
      return handlers.answer(m);
    };

  const vscode = {
    EventEmitter,
    Uri,
    TreeItem,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ViewColumn: { Active: -1, One: 1 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    ProgressLocation: { Notification: 15 },
    window: {
      createOutputChannel: () => ({ appendLine: (l: string) => output.push(l), show: () => undefined, dispose: () => undefined }),
      createStatusBarItem: () => {
        const item = {
          text: '',
          tooltip: undefined as unknown,
          backgroundColor: undefined as ThemeColor | undefined,
          command: undefined as string | undefined,
          name: '',
          visible: false,
          show: () => (item.visible = true),
          hide: () => (item.visible = false),
          dispose: () => undefined,
        };
        statusItems.push(item);
        return item;
      },
      registerTreeDataProvider: (id: string, provider: { getChildren(n?: unknown): unknown[]; getTreeItem(n: unknown): TreeItem }) => {
        trees.set(id, provider);
        return { dispose: () => trees.delete(id) };
      },
      createWebviewPanel: () => {
        const receive = new EventEmitter<unknown>();
        const dispose = new EventEmitter<void>();
        const record = { html: '', posted: [] as unknown[], receive: (m: unknown) => receive.fire(m), disposed: false };
        panels.push(record);
        const webview = {
          cspSource: 'vscode-resource:',
          asWebviewUri: (u: Uri) => u,
          postMessage: async (m: unknown) => (record.posted.push(m), true),
          onDidReceiveMessage: receive.event,
          set html(v: string) {
            record.html = v;
          },
          get html() {
            return record.html;
          },
        };
        return {
          webview,
          iconPath: undefined,
          reveal: () => undefined,
          onDidDispose: dispose.event,
          dispose: () => ((record.disposed = true), dispose.fire()),
        };
      },
      showInformationMessage: show('info'),
      showWarningMessage: show('warning'),
      showErrorMessage: show('error'),
      showQuickPick: async (items: unknown[] | Promise<unknown[]>, opts: unknown) => handlers.pick(await items, opts),
      showInputBox: async (opts: { prompt?: string; value?: string }) => handlers.input(opts),
      withProgress: async (_o: unknown, task: () => Promise<unknown>) => task(),
      setStatusBarMessage: () => ({ dispose: () => undefined }),
      showTextDocument: async (uri: Uri) => opened.push(uri.fsPath),
    },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        if (commands.has(id)) throw new Error(`command ${id} already registered`);
        commands.set(id, fn);
        return { dispose: () => commands.delete(id) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        executed.push([id, args]);
        return commands.get(id)?.(...args);
      },
    },
    workspace: {
      workspaceFolders: undefined,
      getConfiguration: (section?: string) => {
        const full = (key: string) => (section ? `${section}.${key}` : key);
        return {
          get: <T>(key: string, fallback?: T) => (settings.has(full(key)) ? (settings.get(full(key)) as T) : fallback),
          inspect: (key: string) => ({ key: full(key), globalValue: settings.get(full(key)) }),
          update: async (key: string, value: unknown) => {
            if (value === undefined) settings.delete(full(key));
            else settings.set(full(key), value);
          },
        };
      },
    },
    extensions: { getExtension: (id: string) => extensions.get(id), onDidChange: extensionsChanged.event },
    env: { openExternal: async (uri: Uri) => (opened.push(uri.toString()), true) },
  };

  const context = {
    subscriptions: [] as Array<{ dispose(): unknown }>,
    extensionPath,
    extensionUri: Uri.file(extensionPath),
    globalState: { get: (k: string) => globalState.get(k), update: async (k: string, v: unknown) => void globalState.set(k, v) },
  };

  return {
    vscode,
    context,
    settings,
    commands,
    executed,
    messages,
    trees,
    statusItems,
    panels,
    opened,
    output,
    extensions,
    installExtension,
    globalState,
    handlers,
  };
}

export type FakeVscode = ReturnType<typeof createFakeVscode>;
