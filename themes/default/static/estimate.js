// Cost estimate on the subsidies page: fee × office numbers − subsidy. The
// page already shows a worked example table; this only makes it interactive.
(function () {
  var form = document.querySelector(".estimate-form");
  if (!form) return;
  var fee = Number(form.getAttribute("data-fee"));
  var subsidy = Number(form.getAttribute("data-subsidy"));
  var input = form.querySelector("input");
  var out = form.querySelector(".estimate-result");
  // Each amount stays on one line: 21,000円 never splits before 円.
  var yen = function (n) {
    var span = document.createElement("span");
    span.className = "nowrap";
    span.textContent = n.toLocaleString("ja-JP") + "円";
    return span;
  };
  function update() {
    var n = Math.max(1, Math.min(999, Math.floor(Number(input.value) || 1)));
    out.replaceChildren(
      "事業所番号 " + n + " 件: ライセンス料 ", yen(fee * n),
      "、補助金 ", yen(subsidy * n),
      "、実質の負担 ", yen((fee - subsidy) * n), "（年額の目安）"
    );
  }
  input.addEventListener("input", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  update();
})();
