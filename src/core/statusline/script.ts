import { join } from 'node:path';
import { NOT_RUNNING_LINE } from './line.ts';

/**
 * Where the statusline's files live, under `$CLP_HOME/data/statusline/`:
 * - `<session>.in`: the JSON Claude Code last passed the statusline (the owner reads the project
 *   directory from it); written by the script, read by the owner;
 * - `<session>.line`: the line for that session; `active`: the line for a session CLP has not seen;
 *   `owner.pid`: which process writes them (a line of a stopped CLP is never shown); written by the owner;
 * - `previous`: the user's own statusLine command, kept by the setup and run first.
 */
export function statuslineDir(dataDir: string): string {
  return join(dataDir, 'statusline');
}

/** Session ids that can name a file (Claude Code's are UUIDs). */
export const SESSION_FILE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** `$CLP_HOME/bin/statusline.sh`: a stable path for Claude Code's settings, whatever updates CLP. */
export function statuslineScriptPath(home: string): string {
  return join(home, 'bin', 'statusline.sh');
}

/**
 * The statusline itself, in bash: Node alone takes ~70 ms to start on a small machine, and the line
 * must come in under 50. No network and no token: it reads what the owner keeps in files (private
 * to the user, like the rest of `$CLP_HOME`) and checks that the owner still runs. Never fails.
 */
export const STATUSLINE_SCRIPT = `#!/usr/bin/env bash
# CLP's line in Claude Code's status line, installed by "Set Up Claude Code" (\`clp statusline\` does
# the same in Node). Reads the JSON Claude Code passes on stdin, leaves it for CLP (the session's
# project directory) and prints the line CLP keeps for the session. Always exits 0.
dir="\${BASH_SOURCE[0]%/*}/../data/statusline"
IFS= read -r -d '' input
sid=
[[ $input =~ \\"session_id\\"[[:space:]]*:[[:space:]]*\\"([A-Za-z0-9._-]{1,128})\\" ]] && sid=\${BASH_REMATCH[1]}
theirs=
[[ -r $dir/previous ]] && theirs=$(printf '%s' "$input" | sh -c "$(<"$dir/previous")" 2>/dev/null)
line='${NOT_RUNNING_LINE}'
pid=
[[ -r $dir/owner.pid ]] && read -r pid < "$dir/owner.pid"
if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
  [[ -n $sid ]] && printf '%s' "$input" > "$dir/$sid.in" 2>/dev/null
  if [[ -n $sid && -r $dir/$sid.line ]]; then IFS= read -r line < "$dir/$sid.line"
  elif [[ -r $dir/active ]]; then IFS= read -r line < "$dir/active"
  fi
fi
if [[ -z $theirs ]]; then printf '%s\\n' "$line"
elif [[ $theirs == *$'\\n'* ]]; then printf '%s\\n%s\\n' "$theirs" "$line"
else printf '%s  %s\\n' "$theirs" "$line"
fi
exit 0
`;
