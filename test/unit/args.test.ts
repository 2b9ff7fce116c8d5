import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS, helpText, parseCli } from '../../src/cli/args.ts';

test('commands, positionals and flags parse', () => {
  const a = parseCli(['active', 'claude', 'prod']);
  assert.equal(a.command?.name, 'active');
  assert.deepEqual(a.positionals, ['claude', 'prod']);
  assert.ok(parseCli(['status', '--json']).flags.has('json'));
  assert.ok(parseCli(['start', '--foreground']).flags.has('foreground'));
  assert.ok(parseCli(['ui', '--no-open']).flags.has('no-open'));
});

test('no command, or --help anywhere, asks for help', () => {
  assert.equal(parseCli([]).help, true);
  assert.equal(parseCli(['--help']).help, true);
  const h = parseCli(['list', '--help']);
  assert.equal(h.help, true);
  assert.equal(h.command?.name, 'list');
});

test('bad usage is a one-line coded error', () => {
  for (const argv of [['nope'], ['status', '--foreground'], ['active', 'claude'], ['list'], ['stop', 'extra'], ['start', '--bogus']]) {
    assert.throws(
      () => parseCli(argv),
      (e: { code?: string; message?: string }) => e.code === 'bad_request' && !e.message!.includes('\n'),
      argv.join(' '),
    );
  }
});

test('every command has help text naming its usage', () => {
  for (const c of COMMANDS) {
    assert.match(helpText(c).replace(/\s+/g, ' '), new RegExp(`usage: ${c.usage.replace(/[[\]|<>]/g, '.')}`));
    assert.ok(
      Math.max(
        ...helpText(c)
          .split('\n')
          .map((l) => l.length),
      ) <= 100,
      `clp help ${c.name} fits 100 columns`,
    );
  }
  assert.match(helpText(null), /^ {2}start \[--foreground\] /m);
  // A usage shortened to "[options]" keeps its brackets balanced (logs has an option inside its own).
  for (const line of helpText(null)
    .split('\n')
    .filter((l) => /^ {2}[a-z]/.test(l))) {
    const usage = line.trim().split(/ {2,}/)[0]!;
    assert.equal(usage.split('[').length, usage.split(']').length, `"${usage}" has unbalanced brackets`);
  }
  assert.match(helpText(null), /^ {2}logs \[show <id> \[--raw\]\] \[options\]$/m);
  assert.match(helpText(null), /CLP_GEMINI_PORT/);
  for (const c of COMMANDS) assert.ok(c.examples.length > 0 && c.examples.every((e) => e.includes(`clp ${c.name}`)), c.name);
});
