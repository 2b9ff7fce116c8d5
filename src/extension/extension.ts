import * as vscode from 'vscode';
import { createCore, type Core } from '../core/core.ts';

/**
 * The VS Code adapter. For now it only hosts the core: the owner election across windows, status bar,
 * tree views, commands and client setup build on this seam.
 */
let core: Core | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('CLP');
  context.subscriptions.push(output);
  const log = {
    info: (m: string) => output.appendLine(`info ${m}`),
    warn: (m: string) => output.appendLine(`warn ${m}`),
    error: (m: string) => output.appendLine(`error ${m}`),
    close: async () => undefined,
  };
  try {
    core = await createCore({ ownerKind: 'vscode', log });
    await core.start();
  } catch (err) {
    core = undefined;
    output.appendLine(`CLP did not start: ${(err as Error).message}`);
  }
}

export async function deactivate(): Promise<void> {
  await core?.stop();
  core = undefined;
}
