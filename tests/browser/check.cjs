// The browser test of built sites (run by tests/browser.rs; see README "Browser test").
//
//   node tests/browser/check.cjs --root OUT --site m/221007 --site p/220001 --site . \
//        [--fonts DIR] [--report FILE] [--shots DIR] [--widths 375,1280] [--layout-widths 320]
//
// OUT is a build's output folder; each --site is a site folder inside it ("." is the
// national site, whose folder holds the others). The script serves OUT on a loopback
// HTTP server and, in Debian's Chromium (playwright-core, $CHROMIUM or /usr/bin/chromium):
//   - runs axe-core (WCAG 2.0/2.1 A and AA, best practice) on every page at each width,
//     with every <details> opened, as a reader who opens them sees the page;
//   - the wrap check: no table cell whose text is 10 characters or fewer takes more
//     than two lines;
//   - no horizontal scrolling of the page itself at phone width (tables scroll inside
//     their own region), form controls with 16 px text and 44 x 44 px targets;
//   - no request to another server, no failed request, no script error;
//   - no time-based media (audio, video, object, embed, iframe, frame): the sample's
//     accessibility record (data/accessibility/) marks 1.2.1-1.2.5 and 1.4.2 適用なし
//     on that ground, so a page that gets media fails until the record is updated;
//   - at each --layout-widths width (none unless given), the same without axe-core;
// and runs the Nu HTML checker (vnu-jar, with java) over every HTML file of the sites.
//
// Pages: every .html file of each site folder (a site's folder never includes another
// site's), so a new page kind is checked as soon as the sites have it. A per-item page
// (a page in a sub-folder other than its index.html, e.g. guides/fees.html) is checked
// in the browser once, in the first site listed that has that path; vnu checks them all.
//
// --fonts DIR makes Chromium see the fonts in DIR (the theme's BIZ UD fonts) through a
// private fontconfig file, so lines break as they do with the first font the stylesheet
// names, whatever fonts the machine has.
//
// Prints every finding and exits 1 when there is any, 2 when the tools cannot run.
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const here = __dirname;
const nodeModules = path.join(here, 'node_modules');
const SETUP = 'bash tests/browser/setup.sh';

function fail(message) {
  process.stderr.write(`browser test cannot run: ${message}\nInstall what it needs with: ${SETUP}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { sites: [], widths: [375, 1280], layoutWidths: [], root: null, fonts: null, report: null, shots: null };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) fail(`${key} needs a value`);
    i++;
    if (key === '--root') args.root = path.resolve(value);
    else if (key === '--site') args.sites.push(value.replace(/^\.\/?/, '').replace(/\/$/, ''));
    else if (key === '--fonts') args.fonts = path.resolve(value);
    else if (key === '--report') args.report = path.resolve(value);
    else if (key === '--shots') args.shots = path.resolve(value);
    else if (key === '--widths') args.widths = value.split(',').map(Number);
    else if (key === '--layout-widths') args.layoutWidths = value.split(',').map(Number);
    else fail(`unknown option ${key}`);
  }
  if (!args.root || !fs.existsSync(args.root)) fail('--root must name a built output folder');
  if (args.sites.length === 0) fail('give at least one --site');
  return args;
}

/** Every .html file of one site folder, relative to it, sorted; other sites' folders left out. */
function sitePages(root, site, siteDirs) {
  const base = path.join(root, site);
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const fromRoot = path.relative(root, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        // Another site's folder (the national site's holds p/ and m/).
        if (site === '' && /^(p|m)$/.test(fromRoot)) continue;
        if (siteDirs.includes(fromRoot) && fromRoot !== site) continue;
        walk(full);
      } else if (entry.name.endsWith('.html')) {
        out.push(path.relative(base, full).split(path.sep).join('/'));
      }
    }
  };
  walk(base);
  return out;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.xml': 'application/xml', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.pdf': 'application/pdf',
};

function serve(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function fontconfigFile(fontsDir) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outreach-fonts-'));
  const conf = path.join(dir, 'fonts.conf');
  fs.writeFileSync(conf, `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${fontsDir}</dir>
  <cachedir>${path.join(dir, 'cache')}</cachedir>
</fontconfig>
`);
  return conf;
}

/** Run vnu over the files; resolves to findings. */
function runVnu(files, root) {
  const jar = path.join(nodeModules, 'vnu-jar', 'build', 'dist', 'vnu.jar');
  return new Promise((resolve) => {
    const child = spawn('java', ['-Xss8m', '-jar', jar, '--format', 'json', '--stdout', '--exit-zero-always', ...files], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => resolve([{ check: 'vnu', page: '(java)', message: `could not run java: ${e.message}` }]));
    child.on('close', () => {
      let report;
      try {
        report = JSON.parse(out);
      } catch (e) {
        resolve([{ check: 'vnu', page: '(vnu)', message: `no JSON report: ${(err || out).slice(0, 300)}` }]);
        return;
      }
      resolve(report.messages
        .filter((m) => m.type === 'error' || m.type === 'non-document-error' || m.subType === 'warning')
        .map((m) => ({
          check: 'vnu',
          page: m.url ? path.relative(root, new URL(m.url).pathname) : '(vnu)',
          message: `${m.type === 'info' ? 'warning' : 'error'} line ${m.lastLine || '?'}: ${m.message}`,
        })));
    });
  });
}

// Runs in the page: table cells of 10 characters or fewer that take more than two lines.
function wrapCheck() {
  const found = [];
  for (const table of document.querySelectorAll('table')) {
    const caption = table.caption ? table.caption.innerText.trim() : '(no caption)';
    table.querySelectorAll('th, td').forEach((cell) => {
      const text = cell.innerText.replace(/\s+/g, ' ').trim();
      const length = [...text].length;
      if (length === 0 || length > 10) return;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0.5 && r.height > 0.5);
      if (rects.length === 0) return;
      const size = parseFloat(getComputedStyle(cell).fontSize);
      const centres = rects.map((r) => (r.top + r.bottom) / 2).sort((a, b) => a - b);
      let lines = 1;
      let last = centres[0];
      for (const c of centres.slice(1)) {
        if (c - last > size * 0.6) {
          lines += 1;
          last = c;
        }
      }
      if (lines > 2) found.push(`「${text}」 takes ${lines} lines in table 「${caption}」`);
    });
  }
  return found;
}

// Runs in the page: the page itself must not scroll sideways; what sticks out, outside
// any scrolling region, is named.
function overflowCheck() {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && !scrolls(el) && !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1)) {
      const name = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
      culprits.push(`${name} 「${(el.innerText || '').trim().slice(0, 30)}」 ends at ${Math.round(r.right)} px`);
    }
  }
  return [`the page scrolls sideways (${document.documentElement.scrollWidth} px wide in ${width} px): ${culprits.slice(0, 3).join('; ')}`];
}

// Runs in the page: elements that bring sound or video (or another page that could).
function mediaCheck() {
  return [...document.querySelectorAll('audio, video, object, embed, iframe, frame, applet, bgsound')]
    .map((el) => `<${el.tagName.toLowerCase()}> on the page: the accessibility record (data/accessibility/) says no page has audio or video (1.2.1-1.2.5, 1.4.2 適用なし); test the media and update the record`);
}

// Runs in the page: form controls readable without zoom (16 px) and easy to hit (44 x 44 px).
function controlsCheck() {
  const found = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const name = el.id ? `#${el.id}` : el.tagName.toLowerCase();
    if (size < 16) found.push(`${name} has ${size} px text (16 px or more keeps phones from zooming)`);
    if (r.width < 44 || r.height < 44) found.push(`${name} is ${Math.round(r.width)} x ${Math.round(r.height)} px (44 x 44 px or more)`);
  }
  return found;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  for (const pkg of ['playwright-core', 'axe-core', 'vnu-jar']) {
    if (!fs.existsSync(path.join(nodeModules, pkg))) fail(`${path.join(nodeModules, pkg)} is missing`);
  }
  const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) fail(`no Chromium at ${chromiumPath}`);
  const { chromium } = require(path.join(nodeModules, 'playwright-core'));
  const axeSource = fs.readFileSync(path.join(nodeModules, 'axe-core', 'axe.min.js'), 'utf8');

  const started = Date.now();
  const findings = [];
  const timings = [];
  const add = (check, page, message) => findings.push({ check, page, message });

  // Pages by site; per-item pages go to the browser once per path.
  const allFiles = [];
  const browserPages = [];
  const seenItems = new Set();
  for (const site of args.sites) {
    for (const rel of sitePages(args.root, site, args.sites)) {
      const fromRoot = site ? `${site}/${rel}` : rel;
      allFiles.push(path.join(args.root, fromRoot));
      const isItem = rel.includes('/') && !rel.endsWith('/index.html');
      if (isItem) {
        if (seenItems.has(rel)) continue;
        seenItems.add(rel);
      }
      browserPages.push(fromRoot);
    }
  }
  if (browserPages.length === 0) fail(`no .html files under ${args.root} in ${args.sites.join(', ')}`);

  const vnu = runVnu(allFiles, args.root);
  const server = await serve(args.root);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const env = { ...process.env };
  if (args.fonts) env.FONTCONFIG_FILE = fontconfigFile(args.fonts);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      env,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  } catch (e) {
    server.close();
    fail(`Chromium did not start: ${String(e).slice(0, 400)}`);
  }
  if (args.shots) fs.mkdirSync(args.shots, { recursive: true });
  try {
    const runs = [...args.widths.map((w) => [w, true]), ...args.layoutWidths.map((w) => [w, false])];
    for (const [width, withAxe] of runs) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'ja-JP' });
      let current = '';
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(origin) || /^(data|blob):/.test(url)) return route.continue();
        add('request', current, `${width} px: requests another server: ${url}`);
        return route.abort();
      });
      for (const rel of browserPages) {
        current = rel;
        const page = await context.newPage();
        page.on('pageerror', (e) => add('script', rel, `${width} px: ${e.message}`));
        page.on('console', (m) => { if (m.type() === 'error') add('console', rel, `${width} px: ${m.text()}`); });
        page.on('response', (r) => { if (r.status() >= 400) add('request', rel, `${width} px: ${r.status()} ${r.url()}`); });
        const pageStarted = Date.now();
        let axeMs = 0;
        try {
          const response = await page.goto(`${origin}/${rel}`, { waitUntil: 'load', timeout: 30000 });
          if (!response || !response.ok()) {
            add('request', rel, `${width} px: the page itself: HTTP ${response ? response.status() : 'no response'}`);
            continue;
          }
          await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
          if (withAxe) {
            const axeStarted = Date.now();
            await page.addScriptTag({ content: axeSource });
            const axe = await page.evaluate(async () => window.axe.run(document, {
              runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
              resultTypes: ['violations'],
            }));
            axeMs = Date.now() - axeStarted;
            for (const v of axe.violations) {
              const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
              add('axe', rel, `${width} px: ${v.id} (${v.impact}, ${v.nodes.length} node(s)): ${v.help} — ${targets}`);
            }
          }
          for (const m of await page.evaluate(wrapCheck)) add('wrap', rel, `${width} px: ${m}`);
          for (const m of await page.evaluate(overflowCheck)) add('overflow', rel, `${width} px: ${m}`);
          for (const m of await page.evaluate(controlsCheck)) add('controls', rel, `${width} px: ${m}`);
          for (const m of await page.evaluate(mediaCheck)) add('media', rel, `${width} px: ${m}`);
          if (args.shots) {
            const name = `${width}-${rel.replace(/[^A-Za-z0-9._-]+/g, '_')}`.replace(/\.html$/, '.png');
            await page.screenshot({ path: path.join(args.shots, name), fullPage: true });
          }
        } catch (e) {
          add('browser', rel, `${width} px: ${String(e).slice(0, 300)}`);
        } finally {
          await page.close();
          timings.push({ page: rel, width, ms: Date.now() - pageStarted, axeMs });
        }
      }
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  findings.push(...(await vnu));

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const sum = (key) => (timings.reduce((t, x) => t + x[key], 0) / 1000).toFixed(1);
  const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 3)
    .map((t) => `${t.page} at ${t.width} px ${(t.ms / 1000).toFixed(1)} s`).join(', ');
  console.log(`browser: ${sum('ms')} s over ${timings.length} page loads (axe ${sum('axeMs')} s); slowest: ${slowest}`);
  const summary = `${browserPages.length} pages in Chromium at ${args.widths.join(', ')} px (axe-core)${args.layoutWidths.length ? ` and ${args.layoutWidths.join(', ')} px (layout)` : ''}, ${allFiles.length} files through vnu, ${seconds} s: ${findings.length} finding(s)`;
  if (args.report) fs.writeFileSync(args.report, JSON.stringify({ summary, pages: browserPages, findings, timings }, null, 1));
  for (const f of findings) console.log(`[${f.check}] ${f.page}: ${f.message}`);
  console.log(summary);
  process.exit(findings.length === 0 ? 0 : 1);
}

main().catch((e) => fail(String(e && e.stack ? e.stack : e)));
