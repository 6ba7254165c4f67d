// The 「コピー」 button of the embed preview page (embed/index.html): copies the
// fragment's source from its text area. Without JavaScript the button stays
// hidden and the text area can be selected and copied by hand.
(function () {
  'use strict';
  var button = document.getElementById('embed-copy');
  var source = document.getElementById('embed-source');
  var status = document.getElementById('embed-copy-status');
  if (!button || !source || !status) return;
  var done = 'コピーしました。CMS の編集画面（HTML の表示）に貼り付けてください。';
  var manual = '自動ではコピーできませんでした。テキスト欄の全体を選んであるので、Ctrl+C（Mac は ⌘+C）でコピーしてください。';
  function select() {
    source.focus();
    source.select();
    source.setSelectionRange(0, source.value.length);
  }
  // Older browsers and pages without a secure context: select the text and
  // try the editing command; if that fails too, leave it selected for the reader.
  function fallback() {
    select();
    var copied = false;
    try {
      copied = document.execCommand('copy');
    } catch (e) {
      copied = false;
    }
    status.textContent = copied ? done : manual;
  }
  button.hidden = false;
  button.addEventListener('click', function () {
    status.textContent = '';
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(function () {
        status.textContent = done;
      }, fallback);
    } else {
      fallback();
    }
  });
})();
