// The step runner of `npm run up`: a step's output goes to .stack/logs/up-<step>.log instead of
// the screen, which gets one line per step with its time; a failing step also prints the tail of
// its output. Verbose mode streams everything as well. Node built-ins only, like workspace.mjs.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TAIL_LINES = 80;
const TITLE_WIDTH = 50;
// After a command exits, how long to wait for the rest of its output (a grandchild may hold the pipe).
const DRAIN_MS = 2_000;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Thrown by `exec` when a command fails; the runner shows the step's output with its message. */
export class StepFailure extends Error {}

export const isVerbose = (argv = process.argv.slice(2), env = process.env) =>
  argv.includes('--verbose') || argv.includes('-v') || /^(1|true|yes)$/i.test(env.VERBOSE ?? '');

const seconds = (ms) => `(${(ms / 1000).toFixed(1)}s)`;

/**
 * `step(slug, title, action)` runs `action({ exec, log })` and resolves true when it succeeded.
 * `exec(command, args, options)` resolves `{ output }`, or rejects with a StepFailure when
 * it exits non-zero; `log(line)` adds a line of the step's own. A string the action resolves is
 * shown after the step's time (e.g. "15 passed, 0 failed").
 */
export function createStepRunner({ logDir, verbose = false, cwd = process.cwd(), out = process.stdout }) {
  const relativeLog = (file) => path.relative(cwd, file) || file;

  return async function step(slug, title, action) {
    mkdirSync(logDir, { recursive: true });
    const logFile = path.join(logDir, `up-${slug}.log`);
    writeFileSync(logFile, `# ${title} (${new Date().toISOString()})\n`);
    let captured = '';
    const capture = (text) => {
      captured += text;
      appendFileSync(logFile, text.replace(ANSI, ''));
      if (verbose) out.write(text);
    };
    const log = (line) => capture(`${line}\n`);

    const exec = (command, args, options = {}) =>
      new Promise((resolve, reject) => {
        const env = { ...process.env, ...(verbose ? {} : { FORCE_COLOR: '0' }), ...options.env };
        const child = spawn(command, args, { cwd, ...options, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let own = '';
        let settled = false;
        const onData = (chunk) => {
          const text = chunk.toString();
          own += text;
          capture(text);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        const settle = (code, signal) => {
          if (settled) return;
          settled = true;
          if (code === 0) resolve({ output: own });
          else reject(new StepFailure(`${[command, ...args].join(' ')} exited with ${code ?? signal}`));
        };
        child.once('error', (error) => {
          settled = true;
          reject(new StepFailure(`${command}: ${error.message}`));
        });
        child.once('close', settle);
        child.once('exit', (code, signal) => setTimeout(() => settle(code, signal), DRAIN_MS).unref());
      });

    const started = Date.now();
    if (verbose) out.write(`\n==> ${title}\n`);
    else if (out.isTTY) out.write(`  ${title} …`);
    const line = (mark, detail = '') =>
      `${!verbose && out.isTTY ? '\r\x1b[2K' : ''}${mark} ${title.padEnd(TITLE_WIDTH)} ${seconds(Date.now() - started)}${detail ? `  ${detail}` : ''}\n`;
    try {
      const detail = await action({ exec, log });
      out.write(line('✓', typeof detail === 'string' ? detail : ''));
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      appendFileSync(logFile, `\n${message}\n`);
      out.write(line('✗'));
      if (verbose) {
        out.write(`  ${message}\n  full output: ${relativeLog(logFile)}\n`);
        return false;
      }
      if (captured.trim()) {
        const lines = captured.replace(/\n$/, '').split('\n');
        const shown = lines.length > TAIL_LINES ? `last ${TAIL_LINES} of ${lines.length} lines` : 'its output';
        out.write(`  ---- ${shown}; full output: ${relativeLog(logFile)} ----\n`);
        out.write(`${lines.slice(-TAIL_LINES).map((text) => `  ${text}`).join('\n')}\n  ----\n`);
      }
      out.write(`  ${message.split('\n').join('\n  ')}\n`);
      return false;
    }
  };
}
