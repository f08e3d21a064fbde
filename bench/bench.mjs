// tokenwarden's benchmarks: what a first visit costs in bytes, and how long until the sign-in
// form can be used. Prints each figure with how it was measured.
//
//   node bench/bench.mjs            sizes + 20 cold loads in headless Chromium
//   node bench/bench.mjs --quick    sizes only; exits 1 when a size budget is exceeded (CI)
//   node bench/bench.mjs --loads N  N cold loads instead of 20
//   node bench/bench.mjs --budget K  a brotli budget of K KB instead of 200 (to try the gate)
//
// Sizes are deterministic for a given build, so they gate CI; timings vary with the machine,
// so they are reported, never gated.
//
// The page comes in two modules: the first visit is the sign-in; the rest of the page (named in
// index.html's <meta name="tokenwarden-app">) is fetched once the sign-in form is ready and takes
// over after sign-in. Both are measured and both have a budget.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { CHROMIUM, CHROMIUM_ARGS, DIST_DIR, chromium, startSim } from '../tests/e2e/support.mjs';

/** Bytes: 1 KB = 1000 bytes, as budgets are stated. */
const KB = 1000;
const budgetArg = process.argv.indexOf('--budget');
const BUDGETS = {
  // Hard limit: CI fails above it.
  firstVisitBrotli: (budgetArg >= 0 ? Number(process.argv[budgetArg + 1]) : 200) * KB,
  // The rest of the page: every page past sign-in. Raised from 230 KB when the inventory (its
  // scan, table, chart, exports and bulk dialog: about 62 KB brotli) joined it.
  restBrotli: 280 * KB,
};
if (!(BUDGETS.firstVisitBrotli > 0)) {
  console.error('--budget takes a size in KB');
  process.exit(2);
}
const GOAL_BROTLI = 160 * KB; // where we are heading; reported, not enforced
/** Set by the sign-in page once its form is rendered and listening (src/components/connect.rs). */
const INTERACTIVE_MARK = 'tokenwarden:sign-in-interactive';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const loadsArg = args.indexOf('--loads');
const LOADS = loadsArg >= 0 ? Number(args[loadsArg + 1]) : 20;
if (!Number.isInteger(LOADS) || LOADS < 1) {
  console.error('--loads takes a positive whole number');
  process.exit(2);
}

const fmtKB = (n) => `${(n / KB).toFixed(1)} KB`;
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function compressed(bytes) {
  return {
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

/** Local files named by href/src attributes and imports in dist/index.html. */
function referencedFiles() {
  const html = readFileSync(path.join(DIST_DIR, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:href|src)="([^"]+)"|from '([^']+)'|module_or_path: '([^']+)'/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return refs.filter((r) => !/^[a-z]+:/i.test(r) && !r.startsWith('#')).map((r) => r.replace(/^\.\//, ''));
}

/** The rest of the page's two files, from the meta tag the build writes. */
function restFiles() {
  const html = readFileSync(path.join(DIST_DIR, 'index.html'), 'utf8');
  const m = html.match(/<meta name="tokenwarden-app" content="\.\/([^"]+)\.js"/);
  return m ? [`${m[1]}.js`, `${m[1]}_bg.wasm`] : [];
}

function table(files) {
  const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }), {
    raw: 0,
    gzip: 0,
    brotli: 0,
  });
  const width = Math.max(...files.map((f) => f.name.length), 5) + 2;
  console.log(`${pad('file', width)}${lpad('raw', 11)}${lpad('gzip', 11)}${lpad('brotli', 11)}`);
  for (const f of files) {
    console.log(`${pad(f.name, width)}${lpad(fmtKB(f.raw), 11)}${lpad(fmtKB(f.gzip), 11)}${lpad(fmtKB(f.brotli), 11)}`);
  }
  console.log(`${pad('total', width)}${lpad(fmtKB(total.raw), 11)}${lpad(fmtKB(total.gzip), 11)}${lpad(fmtKB(total.brotli), 11)}`);
  return total;
}

/** Opens the page once in a fresh context; returns the site files it fetched and the mark time. */
async function coldLoad(browser, siteUrl) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const fetched = new Set();
    const origin = new URL(siteUrl).origin;
    page.on('response', (res) => {
      if (res.url().startsWith(origin) && res.status() < 400) fetched.add(res.url().split(/[?#]/)[0]);
    });
    await page.goto(siteUrl);
    const ms = await page.waitForFunction(
      (mark) => performance.getEntriesByName(mark)[0]?.startTime,
      INTERACTIVE_MARK,
      { timeout: 30_000 },
    );
    return { fetched: [...fetched], ms: await ms.jsonValue() };
  } finally {
    await context.close();
  }
}

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const q = (p) => {
    const i = (v.length - 1) * p;
    const lo = Math.floor(i);
    return v[lo] + (v[Math.ceil(i)] - v[lo]) * (i - lo);
  };
  return { median: q(0.5), p25: q(0.25), p75: q(0.75), min: v[0], max: v[v.length - 1] };
}

const sim = await startSim({ fixture: null, site: true });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
let failed = false;
try {
  // ---- bytes of a first visit ----
  const first = await coldLoad(browser, sim.siteUrl);
  const sitePath = new URL(sim.siteUrl).pathname;
  const fetched = first.fetched.map((url) => {
    const rel = decodeURIComponent(new URL(url).pathname.slice(sitePath.length));
    return rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
  });
  // What the browser fetched, plus everything index.html references: the favicon, say, may
  // arrive just after the form is ready, and a size budget must not depend on such timing. The
  // rest of the page starts loading as the form becomes ready: it is counted apart, below.
  const rest = restFiles();
  if (rest.length === 0) {
    console.error('dist/index.html names no rest of the page (<meta name="tokenwarden-app">)');
    failed = true;
  }
  const names = [...new Set(['index.html', ...referencedFiles(), ...fetched])].filter((n) => !rest.includes(n));
  const files = names.map((name) => ({ name, ...compressed(readFileSync(path.join(DIST_DIR, name))) }));
  files.sort((a, b) => b.brotli - a.brotli);
  console.log('First visit: every file the page loads (those dist/index.html references, and any other');
  console.log('fetched during a cold load in headless Chromium until the sign-in form was interactive),');
  console.log('compressed here with gzip -9 and brotli -q 11, as a static host serving precompressed files');
  console.log('would send them.\n');
  const total = table(files);
  const wasm = files.find((f) => f.name.endsWith('.wasm'));
  console.log(`\nRaw wasm: ${wasm ? `${wasm.raw} bytes (${fmtKB(wasm.raw)})` : 'no .wasm was fetched!'}`);
  if (!wasm) failed = true;

  const over = total.brotli > BUDGETS.firstVisitBrotli;
  console.log(
    `Budget, first visit brotli: ${fmtKB(total.brotli)} of ${fmtKB(BUDGETS.firstVisitBrotli)} ` +
      `${over ? 'EXCEEDED' : 'ok'} (goal ${fmtKB(GOAL_BROTLI)}: ${total.brotli <= GOAL_BROTLI ? 'met' : `${fmtKB(total.brotli - GOAL_BROTLI)} to go`})`,
  );
  if (over) failed = true;

  if (rest.length) {
    console.log('\nThe rest of the page: fetched while the user signs in, it takes over after sign-in.\n');
    const restTotal = table(rest.map((name) => ({ name, ...compressed(readFileSync(path.join(DIST_DIR, name))) })));
    const restOver = restTotal.brotli > BUDGETS.restBrotli;
    console.log(
      `\nBudget, rest of the page brotli: ${fmtKB(restTotal.brotli)} of ${fmtKB(BUDGETS.restBrotli)} ${restOver ? 'EXCEEDED' : 'ok'}`,
    );
    console.log(`A first session in all (first visit + rest): ${fmtKB(total.brotli + restTotal.brotli)} brotli`);
    console.log(`sizes: first_visit_brotli=${total.brotli} rest_brotli=${restTotal.brotli}`);
    if (restOver) failed = true;
  }

  // ---- time to an interactive sign-in form ----
  if (!quick) {
    const times = [];
    for (let i = 0; i < LOADS; i++) times.push((await coldLoad(browser, sim.siteUrl)).ms);
    const s = stats(times);
    console.log(
      `\nTime to interactive sign-in form: ${LOADS} cold loads (fresh browser context each, served from` +
        ` 127.0.0.1), Performance API mark '${INTERACTIVE_MARK}' relative to navigation start.`,
    );
    const ms = (x) => `${x.toFixed(0)} ms`;
    console.log(`median ${ms(s.median)}, interquartile ${ms(s.p25)}–${ms(s.p75)}, min ${ms(s.min)}, max ${ms(s.max)}`);
  }
} finally {
  await browser.close();
  await sim.stop();
}
process.exit(failed ? 1 : 0);
