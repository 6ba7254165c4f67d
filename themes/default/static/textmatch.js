// Text matching shared by the office finder (finder.js) and the site search
// (search.js). normalize() is the same as the site generator's
// (src/render/search.rs, which builds the search index): Unicode NFKC, then
// katakana folded to hiragana and ASCII letters to lower case, white space
// and the middle dot dropped. So ｻｸﾗ, サクラ and さくら match each other, as do
// ＣＳＶ and csv. No data leaves the page.
(function () {
  'use strict';

  // One UTF-16 code unit of NFKC text: -1 when it is dropped, else the code
  // unit it becomes.
  function fold(c) {
    if (c <= 0x20 || c === 0x7f || c === 0x200b || c === 0xfeff || c === 0x2028 || c === 0x2029 || c === 0x30fb) return -1;
    if ((c >= 0x30a1 && c <= 0x30f6) || c === 0x30fd || c === 0x30fe) return c - 0x60;
    if (c >= 0x41 && c <= 0x5a) return c + 0x20;
    return c;
  }

  function foldString(s) {
    var out = '';
    var start = 0;
    // Copy unchanged runs whole: most text has few characters to change.
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      var f = fold(c);
      if (f === c) continue;
      out += s.slice(start, i);
      if (f >= 0) out += String.fromCharCode(f);
      start = i + 1;
    }
    return start === 0 ? s : out + s.slice(start);
  }

  function normalize(text) {
    return foldString(String(text).normalize('NFKC'));
  }

  // Characters that join the one before them (voiced sound marks, combining marks).
  var JOINER = /^[\p{M}\uff9e\uff9f]$/u;
  var joins = new Map();
  var pieces = new Map();

  function isJoiner(ch) {
    var j = joins.get(ch);
    if (j === undefined) {
      j = JOINER.test(ch);
      joins.set(ch, j);
    }
    return j;
  }

  function piece(cluster) {
    var p = pieces.get(cluster);
    if (p === undefined) {
      p = normalize(cluster);
      if (pieces.size < 20000) pieces.set(cluster, p);
    }
    return p;
  }

  // normalize() with, for each UTF-16 code unit of the result, the range of
  // the original text it came from: { text, from, to }. null when normalising
  // the text piece by piece (a character with the marks that join it) does
  // not give normalize(text): then a match cannot be placed in the original
  // and is not highlighted.
  function normalizeWithMap(text) {
    text = String(text);
    var whole = normalize(text);
    var out = '';
    var from = [];
    var to = [];
    var i = 0;
    while (i < text.length) {
      var start = i;
      var code = text.charCodeAt(i);
      i += code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
      while (i < text.length) {
        var next = text.codePointAt(i);
        var ch = String.fromCodePoint(next);
        if (!isJoiner(ch)) break;
        i += ch.length;
      }
      var p = piece(text.slice(start, i));
      for (var k = 0; k < p.length; k++) {
        from.push(start);
        to.push(i);
      }
      out += p;
    }
    return out === whole ? { text: out, from: from, to: to } : null;
  }

  // The words of a query, each normalised; empty words left out.
  function terms(query) {
    return String(query)
      .normalize('NFKC')
      .split(/[\s\u3000]+/)
      .map(normalize)
      .filter(function (t) { return t.length > 0; });
  }

  // Append `text` to `parent`, each range of `ranges` ([start, end) in the
  // text, sorted, not overlapping) wrapped in <mark>. Text only: no markup
  // from the data is ever parsed.
  function appendMarked(parent, text, ranges) {
    var at = 0;
    ranges.forEach(function (r) {
      if (r[0] < at) return;
      if (r[0] > at) parent.appendChild(document.createTextNode(text.slice(at, r[0])));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(r[0], r[1]);
      parent.appendChild(mark);
      at = r[1];
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  // Where the words occur in `text` (original ranges, sorted, merged).
  function matchRanges(text, words) {
    var mapped = normalizeWithMap(text);
    if (!mapped) return [];
    var ranges = [];
    words.forEach(function (w) {
      var at = mapped.text.indexOf(w);
      while (at >= 0) {
        ranges.push([mapped.from[at], mapped.to[at + w.length - 1]]);
        at = mapped.text.indexOf(w, at + w.length);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  // 12,345
  function count(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  window.OutreachText = {
    normalize: normalize,
    normalizeWithMap: normalizeWithMap,
    terms: terms,
    appendMarked: appendMarked,
    matchRanges: matchRanges,
    count: count,
  };
})();
