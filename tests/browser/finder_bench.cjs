// Query times of the office finder and the site search in Chromium, over the
// output of `outreach bench --finder` (see benches/finder_bench.sh). Pages are
// opened from disk (file://), as a council's staff may open them.
//
//   node tests/browser/finder_bench.cjs --root OUT [--runs 15] [--prefecture 220001] [--municipality 221007]
//
// For each partner page (national, the prefecture, a municipality) it prints how
// long the page takes to load until the finder is ready, and for each query the
// median and the slowest of --runs runs: the time from setting the search box's
// value and sending its input event to the results being in the page and laid
// out (the finder answers synchronously; the count is announced 300 ms later and
// is not part of the query). Measured inside the page with performance.now().
'use strict';

const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const nodeModules = path.join(__dirname, 'node_modules');

function parseArgs(argv) {
  const args = { root: null, runs: 15, prefecture: '220001', municipality: '221007' };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--root') args.root = path.resolve(value);
    else if (key === '--runs') args.runs = Number(value);
    else if (key === '--prefecture') args.prefecture = value;
    else if (key === '--municipality') args.municipality = value;
    else throw new Error(`unknown option ${key}`);
  }
  if (!args.root || !fs.existsSync(args.root)) throw new Error('--root must name the output of outreach bench --finder');
  return args;
}

const ms = (x) => `${x.toFixed(1)} ms`.padStart(9);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { chromium } = require(path.join(nodeModules, 'playwright-core'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  await context.route('**/*', (route) => (route.request().url().startsWith('file://') ? route.continue() : route.abort()));
  const version = browser.version();
  console.log(`finder bench: Chromium ${version}, ${args.runs} runs per query, pages from file://`);

  const queries = [
    ['ひらがな さくら', { q: 'さくら' }],
    ['半角カナ ｻｸﾗ', { q: 'ｻｸﾗ' }],
    ['カタカナ エキマエサクラ', { q: 'エキマエサクラ' }],
    ['漢字 居宅介護', { q: '居宅介護' }],
    ['長い読み きょたくかいごしえんじぎょうしょ', { q: 'きょたくかいごしえんじぎょうしょ' }],
    ['1文字 あ', { q: 'あ' }],
    ['2語 さくら 訪問', { q: 'さくら 訪問' }],
    ['見つからない ぬぬぬ', { q: 'ぬぬぬ' }],
    ['種類で絞る 訪問看護 + さくら', { q: 'さくら', type: '訪問看護' }],
  ];
  const pages = [
    ['national', 'partners.html'],
    [`prefecture ${args.prefecture}`, `p/${args.prefecture}/partners.html`],
    [`municipality ${args.municipality}`, `m/${args.municipality}/partners.html`],
  ];
  for (const [label, rel] of pages) {
    const file = path.join(args.root, rel);
    if (!fs.existsSync(file)) {
      console.log(`  ${label}: ${rel} not built`);
      continue;
    }
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`  script error on ${rel}: ${e.message}`));
    const started = Date.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForSelector('.finder:not([hidden])');
    const load = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return { ready: performance.now(), load: nav ? nav.loadEventEnd : 0, offices: window.OUTREACH_OFFICES.offices.length };
    });
    console.log(`  ${label} (${load.offices} offices): page ready ${ms(load.ready)} after navigation (load event ${ms(load.load)}; wall ${Date.now() - started} ms)`);
    for (const [name, query] of queries) {
      const times = await page.evaluate(async ({ query, runs }) => {
        const input = document.getElementById('finder-q');
        const type = document.getElementById('finder-type');
        const out = [];
        const set = (q, t) => {
          if (t !== undefined) {
            const option = [...type.options].find((o) => o.textContent === t);
            type.value = option ? option.value : '';
          }
          input.value = q;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          return document.querySelectorAll(".finder-results li").length;
        };
        let shown = 0;
        for (let i = 0; i < runs; i++) {
          set('', '');
          await new Promise((r) => setTimeout(r, 5));
          const t0 = performance.now();
          shown = set(query.q, query.type);
          void document.body.getBoundingClientRect();
          out.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 5));
        }
        set('', '');
        return { out, shown };
      }, { query, runs: args.runs });
      const sorted = [...times.out].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const max = sorted[sorted.length - 1];
      console.log(`    ${name.padEnd(42)} median ${ms(median)}  slowest ${ms(max)}  (${times.shown} shown)`);
    }
    await page.close();
  }

  // The site search of the national site.
  const searchFile = path.join(args.root, 'search.html');
  if (fs.existsSync(searchFile)) {
    const page = await context.newPage();
    await page.goto(pathToFileURL(searchFile).href, { waitUntil: 'load' });
    for (const word of ['電子証明書', 'ﾍﾙﾌﾟﾃﾞｽｸ', 'ライセンス料 補助']) {
      const times = await page.evaluate(async ({ word, runs }) => {
        const form = document.querySelector('.search-form');
        const input = document.getElementById('search-q');
        const out = [];
        for (let i = 0; i < runs; i++) {
          input.value = word;
          const t0 = performance.now();
          form.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }));
          void document.body.getBoundingClientRect();
          out.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 5));
        }
        return { out, found: document.querySelectorAll('.search-results li').length };
      }, { word, runs: args.runs });
      const sorted = [...times.out].sort((a, b) => a - b);
      console.log(`  site search (national) ${word.padEnd(20)} median ${ms(sorted[Math.floor(sorted.length / 2)])}  slowest ${ms(sorted[sorted.length - 1])}  (${times.found} found)`);
    }
    await page.close();
  }
  await browser.close();
}

main().catch((e) => {
  process.stderr.write(`finder bench failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
