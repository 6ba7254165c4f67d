// The site search of search.html. The index (search/index.js, a plain script
// that sets window.OUTREACH_SEARCH, so it works opened from disk; no request
// is made) holds each guide, FAQ entry and news item with, for every pair of
// adjacent characters of its normalised text (textmatch.js), the documents
// holding it. A page matches a query when it holds every pair of every word;
// pages holding the words as written come first, those with them in the
// title before the rest. Results show the title and a snippet with the words
// highlighted; the number found is announced politely (role="status").
(function () {
  'use strict';
  var data = window.OUTREACH_SEARCH;
  var T = window.OutreachText;
  var form = document.querySelector('.search-form');
  if (!data || !T || !form || data.v !== 1) return;

  var input = document.getElementById('search-q');
  var status = document.querySelector('.search-status');
  var list = document.querySelector('.search-results');
  var docs = data.docs;
  var all = docs.map(function (d, i) { return i; });
  var normalized = null;
  var titles = null;

  function prepare() {
    if (normalized) return;
    // As the index was built: title and text together, normalised.
    normalized = docs.map(function (d) { return T.normalize(d[0] + '\n' + d[3]); });
    titles = docs.map(function (d) { return T.normalize(d[0]); });
  }

  function postings(gram) {
    var s = data.grams[gram];
    var out = [];
    if (!s) return out;
    for (var i = 0; i < s.length; i += data.w) out.push(parseInt(s.substr(i, data.w), 36));
    return out;
  }

  // The documents holding every bigram of a word (a one-letter word: holding it).
  function holding(word) {
    var chars = Array.from(word);
    if (chars.length < 2) return all.filter(function (i) { return normalized[i].indexOf(word) >= 0; });
    var found = null;
    for (var k = 0; k + 1 < chars.length; k++) {
      var p = postings(chars[k] + chars[k + 1]);
      found = found === null ? p : found.filter(function (i) { return p.indexOf(i) >= 0; });
      if (found.length === 0) break;
    }
    return found;
  }

  function occurrences(text, word) {
    var n = 0;
    var at = text.indexOf(word);
    while (at >= 0 && n < 10) {
      n++;
      at = text.indexOf(word, at + word.length);
    }
    return n;
  }

  // Each document's text normalised with its map back to the text, made when
  // the document is first among the results and kept for the next queries.
  var maps = [];

  // Up to about 120 characters of the text around the first place a word occurs.
  function snippet(index, words) {
    var text = docs[index][3];
    if (maps[index] === undefined) maps[index] = T.normalizeWithMap(text);
    var mapped = maps[index];
    var first = -1;
    if (mapped) {
      words.forEach(function (w) {
        var at = mapped.text.indexOf(w);
        if (at >= 0 && (first < 0 || mapped.from[at] < first)) first = mapped.from[at];
      });
    }
    var chars = Array.from(text);
    // Code-unit offset → character offset.
    var start = 0;
    if (first > 0) {
      var units = 0;
      var index = 0;
      while (index < chars.length && units < first) units += chars[index++].length;
      start = Math.max(0, index - 40);
    }
    var end = Math.min(chars.length, start + 120);
    return (start > 0 ? '…' : '') + chars.slice(start, end).join('') + (end < chars.length ? '…' : '');
  }

  function render(words, results) {
    list.textContent = '';
    var fragment = document.createDocumentFragment();
    results.forEach(function (r) {
      var d = docs[r.index];
      var li = document.createElement('li');
      li.className = 'search-item';
      var title = document.createElement('p');
      title.className = 'search-title';
      var a = document.createElement('a');
      a.href = d[1];
      T.appendMarked(a, d[0], T.matchRanges(d[0], words));
      title.appendChild(a);
      title.appendChild(document.createTextNode(' '));
      var badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = d[2];
      title.appendChild(badge);
      li.appendChild(title);
      var text = snippet(r.index, words);
      if (text) {
        var p = document.createElement('p');
        p.className = 'search-snippet';
        T.appendMarked(p, text, T.matchRanges(text, words));
        li.appendChild(p);
      }
      fragment.appendChild(li);
    });
    list.appendChild(fragment);
  }

  function search(query) {
    var words = T.terms(query);
    if (words.length === 0) {
      list.textContent = '';
      status.textContent = '';
      return;
    }
    prepare();
    var found = null;
    words.forEach(function (w) {
      var h = holding(w);
      found = found === null ? h : found.filter(function (i) { return h.indexOf(i) >= 0; });
    });
    var results = found.map(function (i) {
      var score = 0;
      words.forEach(function (w) {
        var n = occurrences(normalized[i], w);
        if (n > 0) score += 10 + n;
        if (titles[i].indexOf(w) >= 0) score += 100;
      });
      return { index: i, score: score };
    });
    results.sort(function (a, b) { return b.score - a.score || a.index - b.index; });
    render(words, results);
    var shownQuery = '「' + query.trim() + '」';
    status.textContent = results.length > 0
      ? shownQuery + 'を含むページが' + T.count(results.length) + '件見つかりました。'
      : shownQuery + 'を含むページは見つかりませんでした。言葉を短くするか、別の言い方で探してみてください。';
  }

  var timer = 0;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 200);
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(timer);
    search(input.value);
    try {
      history.replaceState(null, '', '?q=' + encodeURIComponent(input.value));
    } catch (err) {
      // Some browsers refuse it for pages opened from disk: the search still works.
    }
  });

  var initial = new URLSearchParams(window.location.search).get('q');
  if (initial) {
    input.value = initial;
    search(initial);
  } else {
    // Normalise the documents while the reader starts typing.
    setTimeout(prepare, 0);
  }
})();
