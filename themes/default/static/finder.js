// The office finder of 利用している事業所 (partners.html). Without JavaScript the
// page lists every office (a municipality) or counts them (a prefecture, the
// nation). This script searches the offices of search/offices.js, a plain
// script that sets window.OUTREACH_OFFICES (so it works opened from disk; no
// request is made): by name and reading whatever the width and kana
// (textmatch.js), by service type and, on prefecture and national sites, by
// municipality. The number found is announced politely (role="status").
(function () {
  'use strict';
  var root = document.querySelector('.finder');
  var data = window.OUTREACH_OFFICES;
  var T = window.OutreachText;
  if (!root || !data || !T || data.v !== 1) return;

  var PAGE = 50;
  var rows = data.offices;
  var input = document.getElementById('finder-q');
  var typeSelect = document.getElementById('finder-type');
  var prefectureSelect = document.getElementById('finder-prefecture');
  var placeSelect = document.getElementById('finder-place');
  var placeHint = document.getElementById('finder-place-hint');
  var status = root.querySelector('.finder-status');
  var list = root.querySelector('.finder-results');
  var more = root.querySelector('.finder-more');
  var national = root.getAttribute('data-site-kind') === 'national';

  // Name and reading, normalised once; U+FFFF keeps a word from running from one into the other.
  var keys = new Array(rows.length);
  for (var i = 0; i < rows.length; i++) {
    keys[i] = T.normalize(rows[i][1] + '\uffff' + rows[i][2]);
  }

  function option(select, value, text) {
    var o = document.createElement('option');
    o.value = String(value);
    o.textContent = text;
    select.appendChild(o);
  }

  function fillPlaces() {
    if (!placeSelect) return;
    var prefecture = prefectureSelect && prefectureSelect.value !== '' ? Number(prefectureSelect.value) : -1;
    while (placeSelect.options.length > 1) placeSelect.remove(1);
    placeSelect.value = '';
    var open = !prefectureSelect || prefecture >= 0;
    placeSelect.disabled = !open;
    if (placeHint) placeHint.hidden = open;
    if (!open) return;
    data.places.forEach(function (p, index) {
      if (prefecture < 0 || p[2] === prefecture) option(placeSelect, index, p[1]);
    });
  }

  if (prefectureSelect) {
    data.prefectures.forEach(function (p, index) { option(prefectureSelect, index, p[1]); });
  }
  fillPlaces();

  var matches = [];
  var words = [];
  var shown = 0;
  var announceTimer = 0;

  function filtered() {
    return input.value.trim() !== '' || typeSelect.value !== '' ||
      (prefectureSelect && prefectureSelect.value !== '') || (placeSelect && placeSelect.value !== '');
  }

  function search() {
    words = T.terms(input.value);
    var type = typeSelect.value === '' ? -1 : Number(typeSelect.value);
    var prefecture = prefectureSelect && prefectureSelect.value !== '' ? Number(prefectureSelect.value) : -1;
    var place = placeSelect && placeSelect.value !== '' ? Number(placeSelect.value) : -1;
    var first = [];
    var rest = [];
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      if (type >= 0 && row[3] !== type) continue;
      if (place >= 0 ? row[4] !== place : prefecture >= 0 && data.places[row[4]][2] !== prefecture) continue;
      var key = keys[i];
      var found = true;
      for (var w = 0; w < words.length; w++) {
        if (key.indexOf(words[w]) < 0) {
          found = false;
          break;
        }
      }
      if (!found) continue;
      // Names and readings that begin with the first word come first.
      if (words.length > 0 && (key.indexOf(words[0]) === 0 || key.indexOf('\uffff' + words[0]) >= 0)) first.push(i);
      else rest.push(i);
    }
    matches = first.concat(rest);
    shown = 0;
    list.textContent = '';
    showMore(false);
    announceSoon();
  }

  function line(parent, label, build) {
    var dt = document.createElement('dt');
    dt.textContent = label;
    var dd = document.createElement('dd');
    build(dd);
    parent.appendChild(dt);
    parent.appendChild(dd);
  }

  function since(n) {
    return Math.floor(n / 10000) + '年' + Math.floor((n % 10000) / 100) + '月' + (n % 100) + '日';
  }

  function item(index) {
    var row = rows[index];
    var place = data.places[row[4]];
    var li = document.createElement('li');
    li.className = 'finder-item';
    var name = document.createElement('h3');
    name.className = 'finder-name';
    T.appendMarked(name, row[1], T.matchRanges(row[1], words));
    li.appendChild(name);
    if (row[2]) {
      var reading = document.createElement('p');
      reading.className = 'reading';
      T.appendMarked(reading, row[2], T.matchRanges(row[2], words));
      li.appendChild(reading);
    }
    var facts = document.createElement('dl');
    facts.className = 'facts';
    line(facts, 'サービス', function (dd) { dd.textContent = data.types[row[3]]; });
    line(facts, '市区町村', function (dd) {
      dd.textContent = (national ? data.prefectures[place[2]][1] : '') + place[1];
    });
    if (row[5]) line(facts, '所在地', function (dd) { dd.textContent = row[5]; });
    if (row[6]) {
      line(facts, '電話', function (dd) {
        var a = document.createElement('a');
        a.href = 'tel:' + row[6].replace(/[^0-9]/g, '');
        a.className = 'nowrap';
        a.textContent = row[6];
        dd.appendChild(a);
      });
    }
    line(facts, '事業所番号', function (dd) {
      dd.className = 'code';
      dd.textContent = row[0];
    });
    line(facts, '利用開始', function (dd) {
      var n = row[7];
      var time = document.createElement('time');
      time.dateTime = Math.floor(n / 10000) + '-' + String(Math.floor((n % 10000) / 100)).padStart(2, '0') + '-' + String(n % 100).padStart(2, '0');
      time.textContent = since(n);
      dd.appendChild(time);
    });
    li.appendChild(facts);
    if (row[8] === 1) {
      var sample = document.createElement('p');
      var badge = document.createElement('span');
      badge.className = 'badge badge-sample';
      badge.textContent = 'サンプル・架空';
      sample.appendChild(badge);
      li.appendChild(sample);
    }
    return li;
  }

  // Show the next PAGE results; `focus` moves the keyboard to the first of them.
  function showMore(focus) {
    var end = Math.min(matches.length, shown + PAGE);
    var fragment = document.createDocumentFragment();
    var firstNew = null;
    for (var k = shown; k < end; k++) {
      var li = item(matches[k]);
      if (!firstNew) firstNew = li;
      fragment.appendChild(li);
    }
    list.appendChild(fragment);
    shown = end;
    more.hidden = shown >= matches.length;
    more.textContent = '次の' + Math.min(PAGE, matches.length - shown) + '件を表示';
    if (focus && firstNew) {
      firstNew.tabIndex = -1;
      firstNew.focus();
    }
  }

  function message() {
    if (matches.length === 0) {
      return '見つかりませんでした。名前の一部を短くするか、読み方（かな）で探してみてください。';
    }
    var text = T.count(matches.length) + (filtered() ? '件の事業所が見つかりました。' : '件の事業所があります。');
    if (shown < matches.length) text += '最初の' + T.count(shown) + '件を表示しています。';
    return text;
  }

  // The count is announced once typing pauses, not at every key.
  function announceSoon() {
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { status.textContent = message(); }, 300);
  }

  input.addEventListener('input', search);
  typeSelect.addEventListener('change', search);
  if (prefectureSelect) {
    prefectureSelect.addEventListener('change', function () {
      fillPlaces();
      search();
    });
  }
  if (placeSelect) placeSelect.addEventListener('change', search);
  root.querySelector('form').addEventListener('submit', function (e) {
    e.preventDefault();
    search();
  });
  more.addEventListener('click', function () {
    showMore(true);
    status.textContent = message();
  });

  // The finder shows every office itself: the list made for reading without
  // JavaScript would say it all twice.
  var staticList = document.querySelector('.partner-list');
  if (staticList) staticList.hidden = true;
  root.hidden = false;
  search();
  status.textContent = message();
})();
