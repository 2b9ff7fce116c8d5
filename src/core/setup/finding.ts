/** One thing the doctor found about a client's setup. */
export interface Finding {
  severity: 'problem' | 'warning' | 'ok';
  /** What defeats the setup… */
  message: string;
  /** …and how to fix it. */
  fix: string;
}

export type SetUpClient = 'Claude Code' | 'Codex' | 'Gemini CLI';

/** The fix that points a client at CLP: VS Code's setup command, or from a terminal also `clp run`. */
export function pointAt(client: SetUpClient, terminal = false): string {
  const cmd = { 'Claude Code': 'claude', Codex: 'codex', 'Gemini CLI': 'gemini' }[client];
  return terminal ? `Start ${client} with \`clp run -- ${cmd}\` (nothing written), or run "CLP: Set Up ${client}" in VS Code` : `Run "CLP: Set Up ${client}"`;
}

/** VS Code's setup command for a client, said as from where it is asked. */
export function setUpCommand(client: SetUpClient, terminal = false): string {
  return `Run "CLP: Set Up ${client}"${terminal ? ' in VS Code' : ''}`;
}
