// The cost estimate's script in Chromium (run by tests/subsidies_browser.rs).
//
//   node tests/browser/estimate.cjs --page FILE.html --inputs '["1","5","abc"]' --report OUT.json
//
// Opens the subsidies page from disk (file://, as a council opens a site folder) at 375 px,
// reads the worked table as the page was built, then types each input into the office-number
// field and reads back what the script made of it: every [data-cell] (text and sample mark),
// every [data-choice] sentence, the live region's text and whether the field is marked invalid.
// The Rust test compares that with what src/render/subsidy_view.rs computes for the same number.
// Also reported: script errors and any request that is not a local file.
'use strict';

const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

function fail(message) {
  process.stderr.write(`estimate test cannot run: ${message}\nInstall what it needs with: bash tests/browser/setup.sh\n`);
  process.exit(2);
}

const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
if (!args.page || !args.inputs || !args.report) fail('give --page, --inputs and --report');

const nodeModules = path.join(__dirname, 'node_modules');
if (!fs.existsSync(path.join(nodeModules, 'playwright-core'))) fail('tests/browser/node_modules/playwright-core is missing');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(chromiumPath)) fail(`no Chromium at ${chromiumPath}`);
const { chromium } = require(path.join(nodeModules, 'playwright-core'));

// Runs in the page: what the reader sees of the estimate.
function readState() {
  const cells = {};
  let offices = null;
  document.querySelectorAll('[data-cell]').forEach((el) => {
    const key = el.getAttribute('data-cell');
    if (key === 'offices') {
      offices = el.textContent;
      return;
    }
    const first = el.firstChild;
    cells[key] = {
      text: first && first.nodeType === Node.TEXT_NODE ? first.textContent.trim() : el.textContent.trim(),
      sample: el.querySelector('.badge-sample') !== null,
    };
  });
  const input = document.querySelector('.estimate-form input');
  const live = document.querySelector('.estimate-result');
  return {
    offices,
    cells,
    choices: [...document.querySelectorAll('[data-choice]')].map((el) => el.textContent),
    summary: live.textContent,
    live: live.getAttribute('aria-live'),
    invalid: input.getAttribute('aria-invalid') === 'true',
  };
}

async function main() {
  const inputs = JSON.parse(args.inputs);
  const errors = [];
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const report = { built: null, loaded: null, results: [], errors };
  try {
    const context = await browser.newContext({ viewport: { width: 375, height: 900 }, locale: 'ja-JP', javaScriptEnabled: false });
    const url = pathToFileURL(path.resolve(args.page)).href;
    // As built, without the script.
    const still = await context.newPage();
    await still.goto(url, { waitUntil: 'load' });
    report.built = await still.evaluate(readState);
    await context.close();

    const live = await browser.newContext({ viewport: { width: 375, height: 900 }, locale: 'ja-JP' });
    await live.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('file://')) return route.continue();
      errors.push(`requests another server: ${u}`);
      return route.abort();
    });
    const page = await live.newPage();
    page.on('pageerror', (e) => errors.push(`script error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    await page.goto(url, { waitUntil: 'load' });
    report.loaded = await page.evaluate(readState);
    for (const input of inputs) {
      await page.fill('#office-count', input);
      report.results.push({ input, state: await page.evaluate(readState) });
    }
    await live.close();
  } finally {
    await browser.close();
  }
  fs.writeFileSync(args.report, JSON.stringify(report, null, 1));
}

main().catch((e) => fail(String(e && e.stack ? e.stack : e)));
