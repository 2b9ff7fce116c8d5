/** One thing the doctor found about a client's setup. */
export interface Finding {
  severity: 'problem' | 'warning' | 'ok';
  /** What defeats the setup… */
  message: string;
  /** …and how to fix it. */
  fix: string;
}

export type SetUpClient = 'Claude Code' | 'Codex' | 'Gemini CLI';

/** The word `clp setup` and `clp run` take for each client. */
const COMMAND: Record<SetUpClient, string> = { 'Claude Code': 'claude', Codex: 'codex', 'Gemini CLI': 'gemini' };

/** The fix that points a client at CLP: VS Code's setup command, or from a terminal `clp setup` (or `clp run`). */
export function pointAt(client: SetUpClient, terminal = false): string {
  const cmd = COMMAND[client];
  return terminal ? `Run \`clp setup ${cmd}\` (or start it with \`clp run -- ${cmd}\`, nothing written)` : `Run "CLP: Set Up ${client}"`;
}

/** The setup for a client, said as from where it is asked: VS Code's command, or `clp setup`. */
export function setUpCommand(client: SetUpClient, terminal = false): string {
  const cmd = COMMAND[client];
  return terminal ? `Run \`clp setup ${cmd}\`` : `Run "CLP: Set Up ${client}"`;
}
