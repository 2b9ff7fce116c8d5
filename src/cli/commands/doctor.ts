import { homedir } from 'node:os';
import { hostForUrl } from '../../core/net.ts';
import { diagnose } from '../../core/setup/doctor.ts';
import { claudeConfigFacts, doctorFiles } from '../../core/setup/doctor-facts.ts';
import type { Finding } from '../../core/setup/finding.ts';
import { StatusGet } from '../../shared/protocol.ts';
import { clientUrl } from '../../shared/service-profile.ts';
import type { ServiceName } from '../../shared/services.ts';
import { EXIT, type CliContext } from '../context.ts';
import { paint, useColour } from '../table.ts';

/** The doctor's findings as lines: a word for each finding's weight, the fix under a problem. */
export function formatFindings(findings: readonly Finding[], colour = false): string {
  const word = { problem: paint(colour, 'red', 'problem'), warning: paint(colour, 'yellow', 'warning'), ok: paint(colour, 'green', 'ok') };
  const pad = { problem: '', warning: '', ok: '     ' };
  return findings
    .map((f) => `${word[f.severity]}${pad[f.severity]}  ${f.message}${f.severity !== 'ok' && f.fix ? `\n          fix: ${f.fix}` : ''}`)
    .join('\n');
}

/**
 * `clp doctor [--json]`: whether CLP runs, and everything that would keep Claude Code, Codex or
 * Gemini CLI in this terminal (its environment, the user's and this folder's settings files) from
 * going through it, each with its fix. Exit 1 when something is a problem.
 */
export async function doctorCommand(ctx: CliContext, json: boolean): Promise<number> {
  const settings = await ctx.settings();
  const url = (s: ServiceName) => clientUrl(s, hostForUrl(settings.host), settings.ports[s]);
  const live = await ctx.owner.probe();
  const dash = live.kind === 'owner' ? await ctx.owner.call(StatusGet, {}).catch(() => null) : null;
  const running: Finding =
    live.kind === 'owner'
      ? { severity: 'ok', message: `CLP is running (${live.status.owner?.kind ?? 'owner'}, pid ${live.status.owner?.pid ?? '?'})`, fix: '' }
      : {
          severity: 'problem',
          message: live.kind === 'foreign' ? live.message : 'CLP is not running',
          fix: 'clp start (or open VS Code with the CLP extension)',
        };
  const files = await doctorFiles(ctx.env, homedir(), [process.cwd()]);
  // The configs' facts come from a running CLP; without one they are unknown, not "none".
  const facts = dash ? claudeConfigFacts(dash.configs.claude) : null;
  const findings = [
    running,
    ...diagnose({
      claudeUrl: url('claude'),
      codexUrl: url('codex'),
      env: ctx.env,
      claudeFiles: files.claudeFiles,
      // The Claude Code extension's setting lives in VS Code: its "CLP: Doctor" checks that one.
      extensionEnv: null,
      codexToml: files.codexToml,
      claudeToolSearch: facts?.claudeToolSearch,
      foreignModels: facts?.claudeForeignModels,
      gemini: files.gemini ? { url: url('gemini'), facts: files.gemini } : null,
      terminal: true,
    }),
  ];
  ctx.out(json ? JSON.stringify(findings, null, 2) : formatFindings(findings, useColour(process.stdout, ctx.env)));
  return findings.some((f) => f.severity === 'problem') ? EXIT.failed : EXIT.ok;
}
