// `npm run down`: stops the apps `npm run up` started, then the services the local stack started.
// Anything it did not start (an external Redis, an app run by hand) is left alone.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { APPS, STACK_DIR, stack, step } from './workspace.mjs';

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function stopApp(name) {
  const pidFile = path.join(STACK_DIR, 'run', `${name}.pid`);
  if (!existsSync(pidFile)) return console.log(`${name}: not started by npm run up`);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  if (alive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile);
  console.log(`${name}: stopped`);
}

step('Stopping the apps');
for (const app of [...APPS].reverse()) await stopApp(app.name);
step('Stopping the local stack');
process.exit(await stack('down'));
