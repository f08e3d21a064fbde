// Headless Chromium driven over the DevTools protocol with the Network domain left off: the
// browser the scan is timed in. Playwright enables that domain on every page it drives, and the
// events it then sends for each request and response cost the browser about a tenth of a scan's
// wall time on two cores (a bare fetch loop: 1.17x its limit without it, 1.29x with it). A user's
// browser has no DevTools attached, so the timed runs go without. Only Target, Page, Runtime,
// Emulation and Performance are used.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

// The client is installed with the e2e packages.
const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const CDP = require('chrome-remote-interface');

const START_TIMEOUT_MS = 20_000;

/** Starts Chromium; resolves with `newPage` and `close`. */
export async function launchBare(executable, args) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'tokenwarden-bench-'));
  const child = spawn(
    executable,
    [...args, '--headless', '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const port = await new Promise((resolve, reject) => {
    let seen = '';
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`${executable} ${why}: ${seen.slice(-500)}`));
    };
    const timer = setTimeout(() => fail(`opened no DevTools port within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      // Kept short: Chromium goes on writing here for as long as it runs.
      seen = (seen + chunk).slice(-4000);
      const listening = /DevTools listening on ws:\/\/[^/]+:(\d+)\//.exec(seen);
      if (listening) {
        clearTimeout(timer);
        resolve(Number(listening[1]));
      }
    });
    child.on('exit', (code, signal) => fail(`exited (${code ?? signal})`));
  });
  const { webSocketDebuggerUrl } = await CDP.Version({ port });
  const browser = await CDP({ port, target: webSocketDebuggerUrl });

  return {
    /** A page in a context of its own (fresh cache, cookies and preflight cache). */
    async newPage({ width = 1600, height = 900 } = {}) {
      const { browserContextId } = await browser.Target.createBrowserContext();
      const { targetId } = await browser.Target.createTarget({ url: 'about:blank', browserContextId });
      const client = await CDP({ port, target: targetId });
      const problems = [];
      client.Runtime.consoleAPICalled(({ type, args }) => {
        const text = args.map((a) => a.value ?? a.description ?? '').join(' ');
        if (type === 'error' || /panicked at/.test(text)) problems.push(`[console.${type}] ${text}`);
      });
      client.Runtime.exceptionThrown(({ exceptionDetails: d }) =>
        problems.push(`[pageerror] ${d.exception?.description ?? d.text}`),
      );
      await Promise.all([client.Page.enable(), client.Runtime.enable(), client.Performance.enable()]);
      await client.Emulation.setDeviceMetricsOverride({ width, height, deviceScaleFactor: 1, mobile: false });
      return {
        async goto(url) {
          const loaded = client.Page.loadEventFired();
          const { errorText } = await client.Page.navigate({ url });
          if (errorText) throw new Error(`${url}: ${errorText}`);
          await loaded;
        },
        /** Runs `fn(arg)` in the page and resolves with its (awaited, JSON-able) result. */
        async evaluate(fn, arg) {
          const { result, exceptionDetails: d } = await client.Runtime.evaluate({
            expression: `(${fn})(${JSON.stringify(arg ?? null)})`,
            awaitPromise: true,
            returnByValue: true,
          });
          if (d) throw new Error(d.exception?.description?.split('\n')[0] ?? d.text);
          return result.value;
        },
        /** Seconds the renderer's main thread spent in tasks, and in script, layout and style. */
        async mainThread() {
          const { metrics } = await client.Performance.getMetrics();
          const m = Object.fromEntries(metrics.map(({ name, value }) => [name, value]));
          return { task: m.TaskDuration, script: m.ScriptDuration, layout: m.LayoutDuration, style: m.RecalcStyleDuration };
        },
        /** The error with the page's last console errors added. */
        explain(err) {
          const last = problems.slice(-10);
          const tail = last.length ? `\npage console (last ${last.length}):\n${last.join('\n')}` : '';
          return new Error(`${err.message.split('\n')[0]}${tail}`, { cause: err });
        },
        async close() {
          await client.close().catch(() => {});
          await browser.Target.disposeBrowserContext({ browserContextId }).catch(() => {});
        },
      };
    },
    async close() {
      await browser.close().catch(() => {});
      child.kill('SIGKILL');
      rmSync(userDataDir, { recursive: true, force: true });
    },
    process: child,
  };
}
