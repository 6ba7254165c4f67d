// The office finder and the site search, used as readers use them: pages opened
// from disk (file://) in Debian's Chromium, typed into with the keyboard (run by
// tests/browser.rs; see README "Browser test").
//
//   node tests/browser/find.cjs --root OUT [--cases FILE] [--shots DIR]
//
// OUT is a build's output folder holding the national site, 静岡県 (p/220001) and
// 静岡市 (m/221007). The script checks that:
//   - on m/221007/partners.html, typing a kana fragment of an office's name in
//     katakana, hiragana or half-width katakana (or a part of its reading in
//     hiragana) finds that office, with its address
//     and a tel: link, and the count the page announces (role="status") agrees;
//     the service-type filter keeps only that type; the page loads no other
//     municipality's offices; printed, it shows the complete list, not the finder;
//   - on the national partners page, choosing 静岡県 and then 静岡市 keeps only
//     静岡市's offices;
//   - searching 電子証明書 on the national site's search.html lists the FAQ entry
//     about electronic certificates with the word highlighted, as does the header
//     search box of another page (a form sent to search.html?q=… from disk);
//   - with --cases FILE (a JSON list of [text, normalised] made by the Rust side),
//     the page's normalisation gives the same text as the index's;
//   - no page makes a request other than to file://, and no script fails.
// Prints every finding and exits 1 when there is any, 2 when the tools cannot run.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');

const nodeModules = path.join(__dirname, 'node_modules');

function fail(message) {
  process.stderr.write(`find test cannot run: ${message}\nInstall what it needs with: bash tests/browser/setup.sh\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { root: null, cases: null, shots: null };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) fail(`${argv[i]} needs a value`);
    if (argv[i] === '--root') args.root = path.resolve(value);
    else if (argv[i] === '--cases') args.cases = path.resolve(value);
    else if (argv[i] === '--shots') args.shots = path.resolve(value);
    else fail(`unknown option ${argv[i]}`);
  }
  if (!args.root || !fs.existsSync(args.root)) fail('--root must name a built output folder');
  return args;
}

/** Whether two kana strings are the same word: katakana and hiragana, full and half width. */
function T_equal(a, b) {
  const fold = (t) => [...t.normalize('NFKC')].map((c) => (c >= 'ァ' && c <= 'ヶ' ? String.fromCharCode(c.charCodeAt(0) - 0x60) : c)).join('');
  return fold(a) === fold(b);
}

/** The finder data a site's page loads (search/offices.js), read as the page reads it. */
function finderData(root, site) {
  const text = fs.readFileSync(path.join(root, site, 'search/offices.js'), 'utf8');
  const sandbox = { window: {} };
  new Function('window', text)(sandbox.window);
  return sandbox.window.OUTREACH_OFFICES;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) fail(`no Chromium at ${chromiumPath}`);
  if (!fs.existsSync(path.join(nodeModules, 'playwright-core'))) fail('tests/browser/node_modules/playwright-core is missing');
  const { chromium } = require(path.join(nodeModules, 'playwright-core'));

  const findings = [];
  const add = (page, message) => findings.push({ page, message });
  const url = (rel) => pathToFileURL(path.join(args.root, rel)).href;
  let checks = 0;
  const check = (ok, page, message) => {
    checks += 1;
    if (!ok) add(page, message);
  };

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const context = await browser.newContext({ viewport: { width: 375, height: 900 }, locale: 'ja-JP' });
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file://')) return route.continue();
    add('(request)', `a page requested ${u}`);
    return route.abort();
  });
  if (args.shots) fs.mkdirSync(args.shots, { recursive: true });
  const open = async (rel) => {
    const page = await context.newPage();
    page.on('pageerror', (e) => add(rel, `script error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') add(rel, `console: ${m.text()}`); });
    page.on('requestfailed', (r) => add(rel, `failed request: ${r.url()}`));
    await page.goto(url(rel), { waitUntil: 'load' });
    return page;
  };
  const shot = async (page, name) => {
    if (args.shots) await page.screenshot({ path: path.join(args.shots, `${name}.png`), fullPage: true });
  };
  // What the finder shows: the names of the results, and the announced count.
  const results = (page) => page.evaluate(() => ({
    names: [...document.querySelectorAll('.finder-results .finder-name')].map((e) => e.textContent),
    // textContent: a card off screen is not rendered (content-visibility), so it has no innerText.
    items: [...document.querySelectorAll('.finder-results .finder-item')].map((li) => li.textContent),
    tels: [...document.querySelectorAll('.finder-results a[href^="tel:"]')].map((a) => a.getAttribute('href')),
    marks: [...document.querySelectorAll('.finder-results mark')].map((m) => m.textContent),
    status: document.querySelector('.finder-status').textContent,
  }));
  const settle = (page) => page.waitForTimeout(450); // the count is announced 300 ms after typing stops

  try {
    // --- 静岡市's finder, from disk --------------------------------------------------
    {
      const rel = 'm/221007/partners.html';
      const data = finderData(args.root, 'm/221007');
      check(data.places.length === 1 && data.places[0][0] === '221007', rel,
        `the page loads other municipalities' offices: ${JSON.stringify(data.places)}`);
      // An office whose name holds hiragana (the sample's names are flowers in hiragana).
      const office = data.offices.find((o) => /[ぁ-ゖ]{3}/.test(o[1]));
      if (!office) throw new Error('no office with a hiragana name in m/221007');
      const hiragana = office[1].match(/[ぁ-ゖ]{3,}/)[0].slice(0, 3);
      const katakana = [...hiragana].map((c) => String.fromCharCode(c.charCodeAt(0) + 0x60)).join('');
      const halfWidth = [...katakana].map((c) => ({
        ア: 'ｱ', イ: 'ｲ', ウ: 'ｳ', エ: 'ｴ', オ: 'ｵ', カ: 'ｶ', キ: 'ｷ', ク: 'ｸ', ケ: 'ｹ', コ: 'ｺ', サ: 'ｻ', シ: 'ｼ', ス: 'ｽ', セ: 'ｾ', ソ: 'ｿ',
        タ: 'ﾀ', チ: 'ﾁ', ツ: 'ﾂ', テ: 'ﾃ', ト: 'ﾄ', ナ: 'ﾅ', ニ: 'ﾆ', ヌ: 'ﾇ', ネ: 'ﾈ', ノ: 'ﾉ', ハ: 'ﾊ', ヒ: 'ﾋ', フ: 'ﾌ', ヘ: 'ﾍ', ホ: 'ﾎ',
        マ: 'ﾏ', ミ: 'ﾐ', ム: 'ﾑ', メ: 'ﾒ', モ: 'ﾓ', ヤ: 'ﾔ', ユ: 'ﾕ', ヨ: 'ﾖ', ラ: 'ﾗ', リ: 'ﾘ', ル: 'ﾙ', レ: 'ﾚ', ロ: 'ﾛ', ワ: 'ﾜ', ン: 'ﾝ',
        ガ: 'ｶﾞ', ギ: 'ｷﾞ', グ: 'ｸﾞ', ゲ: 'ｹﾞ', ゴ: 'ｺﾞ', ザ: 'ｻﾞ', ジ: 'ｼﾞ', ズ: 'ｽﾞ', ゼ: 'ｾﾞ', ゾ: 'ｿﾞ', ダ: 'ﾀﾞ', デ: 'ﾃﾞ', ド: 'ﾄﾞ',
        バ: 'ﾊﾞ', ビ: 'ﾋﾞ', ブ: 'ﾌﾞ', ベ: 'ﾍﾞ', ボ: 'ﾎﾞ', パ: 'ﾊﾟ', ピ: 'ﾋﾟ', プ: 'ﾌﾟ', ペ: 'ﾍﾟ', ポ: 'ﾎﾟ',
      })[c] || c).join('');
      const page = await open(rel);
      const visible = await page.evaluate(() => ({
        finder: !document.querySelector('.finder').hidden,
        list: document.querySelector('.partner-list') ? !document.querySelector('.partner-list').hidden : false,
        label: document.querySelector('label[for="finder-q"]').textContent,
        type: document.getElementById('finder-q').type,
      }));
      check(visible.finder && !visible.list, rel, `with JavaScript the finder shows and the static list hides: ${JSON.stringify(visible)}`);
      check(visible.type === 'search' && visible.label.includes('事業所名'), rel, `a labelled search input: ${JSON.stringify(visible)}`);
      const all = await results(page);
      check(all.names.length === data.offices.length, rel, `before typing, every office is listed (${all.names.length} of ${data.offices.length})`);
      check(all.status.includes(`${data.offices.length}件`), rel, `the status counts every office: 「${all.status}」`);
      // A part of the reading that the name does not hold, typed in hiragana: found only
      // when katakana and hiragana are folded together.
      const readingOnly = [...office[2]].map((c) => String.fromCharCode(c.charCodeAt(0) - 0x60)).join('')
        .slice(hiragana.length).slice(0, 4);
      check(readingOnly.length === 4 && !office[1].includes(readingOnly), rel, `no reading-only fragment in ${office[2]}`);
      for (const fragment of [katakana, hiragana, halfWidth, readingOnly]) {
        await page.fill('#finder-q', '');
        await page.click('#finder-q');
        await page.keyboard.type(fragment);
        await settle(page);
        const found = await results(page);
        check(found.names.includes(office[1]), rel, `typing 「${fragment}」 does not find 「${office[1]}」: ${JSON.stringify(found.names)}`);
        check(found.status.includes(`${found.names.length}件の事業所が見つかりました`), rel,
          `the announced count does not match the ${found.names.length} results for 「${fragment}」: 「${found.status}」`);
        check(found.marks.some((m) => T_equal(m, fragment)), rel, `「${fragment}」 is not highlighted: ${JSON.stringify(found.marks)}`);
        const item = found.items[found.names.indexOf(office[1])] || '';
        check(office[5] === '' || item.includes(office[5]), rel, `the result does not show the address 「${office[5]}」: ${item}`);
        const tel = `tel:${office[6].replace(/[^0-9]/g, '')}`;
        check(office[6] === '' || found.tels.includes(tel), rel, `the result has no ${tel} link: ${JSON.stringify(found.tels)}`);
      }
      await shot(page, 'finder-221007-375');
      // Nothing matches a fragment that is in no name.
      await page.fill('#finder-q', 'ぬぬぬぬ');
      await settle(page);
      const none = await results(page);
      check(none.names.length === 0 && none.status.includes('見つかりませんでした'), rel, `「ぬぬぬぬ」 finds ${none.names.length}: 「${none.status}」`);
      // The service-type filter.
      await page.fill('#finder-q', '');
      const type = data.types[office[3]];
      await page.selectOption('#finder-type', { label: type });
      await settle(page);
      const typed = await results(page);
      const expected = data.offices.filter((o) => o[3] === office[3]).length;
      check(typed.names.length === expected && typed.items.every((t) => t.includes(type)), rel,
        `filtering by ${type} shows ${typed.names.length} (expected ${expected})`);
      // On paper the complete list is printed, not the finder's first results.
      await page.emulateMedia({ media: 'print' });
      const printed = await page.evaluate(() => ({
        list: getComputedStyle(document.querySelector('.partner-list')).display,
        finder: getComputedStyle(document.querySelector('.finder')).display,
      }));
      check(printed.list === 'block' && printed.finder === 'none', rel, `printing shows ${JSON.stringify(printed)}`);
      await page.close();
    }

    // --- the national finder: prefecture, then municipality ------------------------
    {
      const rel = 'partners.html';
      const data = finderData(args.root, '');
      const page = await open(rel);
      const disabled = await page.evaluate(() => document.getElementById('finder-place').disabled);
      check(disabled, rel, 'the municipality choice waits for a prefecture');
      await page.selectOption('#finder-prefecture', { label: '静岡県' });
      await page.selectOption('#finder-place', { label: '静岡市' });
      await settle(page);
      const found = await results(page);
      const expected = data.offices.filter((o) => data.places[o[4]][0] === '221007').length;
      check(expected > 0 && found.status.includes(`${expected}件`) && found.items.every((t) => t.includes('静岡県静岡市')), rel,
        `静岡市 shows ${found.names.length}, announced 「${found.status}」 (expected ${expected})`);
      await shot(page, 'finder-national-375');
      await page.close();
    }

    // --- site search ---------------------------------------------------------------
    const searchResults = (page) => page.evaluate(() => ({
      links: [...document.querySelectorAll('.search-results a')].map((a) => [a.getAttribute('href'), a.textContent]),
      marks: [...document.querySelectorAll('.search-results mark')].map((m) => m.textContent),
      status: document.querySelector('.search-status').textContent,
    }));
    {
      const rel = 'search.html';
      const page = await open(rel);
      await page.click('#search-q');
      await page.keyboard.type('電子証明書');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      const found = await searchResults(page);
      const faq = found.links.find(([href]) => href === 'faq.html#electronic-certificate');
      check(Boolean(faq), rel, `searching 電子証明書 does not list faq.html#electronic-certificate: ${JSON.stringify(found.links)}`);
      check(found.links.length > 0 && found.links[0][0] === 'faq.html#electronic-certificate', rel,
        `the entry about electronic certificates is not first: ${JSON.stringify(found.links.slice(0, 3))}`);
      check(found.marks.includes('電子証明書'), rel, `電子証明書 is not highlighted: ${JSON.stringify(found.marks.slice(0, 5))}`);
      check(found.status.includes(`${found.links.length}件見つかりました`), rel, `the count does not match: 「${found.status}」`);
      await shot(page, 'search-national-375');
      // Katakana in half width finds text written in full width, and a word found nowhere says so.
      await page.fill('#search-q', 'ﾍﾙﾌﾟﾃﾞｽｸ');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      const helpdesk = await searchResults(page);
      check(helpdesk.links.some(([href]) => href === 'faq.html#helpdesk'), rel, `ﾍﾙﾌﾟﾃﾞｽｸ does not find the helpdesk entry: ${JSON.stringify(helpdesk.links)}`);
      await page.fill('#search-q', 'ぬぬぬぬ');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      const none = await searchResults(page);
      check(none.links.length === 0 && none.status.includes('見つかりませんでした'), rel, `「ぬぬぬぬ」: ${JSON.stringify(none)}`);
      if (args.cases) {
        const cases = JSON.parse(fs.readFileSync(args.cases, 'utf8'));
        const got = await page.evaluate((texts) => texts.map((t) => window.OutreachText.normalize(t)), cases.map((c) => c[0]));
        cases.forEach(([text, expected], i) => {
          check(got[i] === expected, rel, `normalising ${JSON.stringify(text)} gives ${JSON.stringify(got[i])} in the browser, ${JSON.stringify(expected)} in the index`);
        });
      }
      await page.close();
    }
    {
      // The header box of another page sends the words to search.html, from disk too.
      const rel = 'm/221007/faq.html';
      const page = await open(rel);
      await page.click('#header-q');
      await page.keyboard.type('電子証明書');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
      const landed = page.url();
      check(landed.endsWith('/m/221007/search.html?q=%E9%9B%BB%E5%AD%90%E8%A8%BC%E6%98%8E%E6%9B%B8'), rel, `the header search went to ${landed}`);
      const found = await searchResults(page);
      check(found.links.some(([href]) => href === 'faq.html#electronic-certificate'), rel, `the header search found ${JSON.stringify(found.links)}`);
      await shot(page, 'search-221007-375');
      await page.close();
    }
  } catch (e) {
    add('(script)', String(e && e.stack ? e.stack : e).slice(0, 600));
  } finally {
    await browser.close();
  }

  for (const f of findings) console.log(`[find] ${f.page}: ${f.message}`);
  console.log(`find: ${checks} checks from file://, ${findings.length} finding(s)`);
  process.exit(findings.length === 0 ? 0 : 1);
}

main().catch((e) => fail(String(e && e.stack ? e.stack : e)));
