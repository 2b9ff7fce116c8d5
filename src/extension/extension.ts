import * as vscode from 'vscode';
import type { Logger } from '../core/log.ts';
import { ClpExtension } from './clp-extension.ts';

let current: ClpExtension | undefined;

/** Activation (`onStartupFinished`): the proxy starts in this extension host, or attaches to its owner. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('CLP');
  context.subscriptions.push(output);
  const line = (level: string) => (m: string) => output.appendLine(`${new Date().toISOString()} ${level} ${m}`);
  const log: Logger = { info: line('info'), warn: line('warn'), error: line('error'), close: async () => undefined };
  current = new ClpExtension(context, output, log);
  await current.activate();
}

export async function deactivate(): Promise<void> {
  await current?.dispose();
  current = undefined;
}
