// Cost estimate on the subsidies page. The page's worked table shows the
// estimate for the number of office numbers its caption states; this script
// computes the same table for the number a reader types. It follows the rules
// of src/data/subsidies/estimate.rs and the wording of
// src/render/subsidy_view.rs (estimate_texts) step by step; the browser test
// (tests/estimate.rs) holds the two to the same text for every cell.
(function () {
  "use strict";
  var form = document.querySelector(".estimate-form");
  if (!form) return;
  var data;
  try {
    data = JSON.parse(form.getAttribute("data-estimate"));
  } catch (e) {
    return;
  }
  var plan = data.plan;
  var programmes = plan.programmes;
  var input = form.querySelector("input");
  var out = form.querySelector(".estimate-result");
  var MAX = 99999;

  function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function yen(n) {
    return thousands(n) + "円";
  }

  // What programme p pays for n office numbers when `already` of `total` is paid.
  function pays(p, n, already, total) {
    var eligible = Math.max(0, p.basis_yen * n - already);
    var amount = Number(BigInt(eligible) * BigInt(p.numerator) / BigInt(Math.max(1, p.denominator)));
    if (p.ceiling_yen !== null) {
      amount = Math.min(amount, p.ceiling_per_application ? p.ceiling_yen : p.ceiling_yen * n);
    }
    if (p.round_down_to) amount = Math.floor(amount / p.round_down_to) * p.round_down_to;
    return Math.min(amount, Math.max(0, total - already));
  }

  // Of every set of programmes that may be stacked, the one that pays most.
  function outcome(n, withCampaign) {
    var total = plan.fee_yen * n;
    var campaign = withCampaign ? total : 0;
    var k = programmes.length;
    var best = { sum: 0, count: 0, pays: [] };
    for (var mask = 1; mask < (1 << k); mask++) {
      var members = [];
      for (var i = 0; i < k; i++) if (mask & (1 << i)) members.push(i);
      var allowed = true;
      for (var a = 0; a < members.length && allowed; a++) {
        for (var b = a + 1; b < members.length; b++) {
          if (programmes[members[a]].stacks_with.indexOf(members[b]) < 0) {
            allowed = false;
            break;
          }
        }
      }
      if (!allowed) continue;
      var already = campaign;
      var list = [];
      for (var m = 0; m < members.length; m++) {
        var amount = pays(programmes[members[m]], n, already, total);
        already += amount;
        list.push([members[m], amount]);
      }
      var sum = already - campaign;
      if (sum > best.sum || (sum === best.sum && sum > 0 && members.length < best.count)) {
        best = { sum: sum, count: members.length, pays: list };
      }
    }
    var paid = programmes.map(function () { return null; });
    best.pays.forEach(function (x) { paid[x[0]] = x[1]; });
    return { fee: total, campaign: campaign, paid: paid, net: total - campaign - best.sum };
  }

  function quoted(i) {
    return "「" + programmes[i].name + "」";
  }

  // The same cells, sentences and summary as estimate_texts in Rust.
  function texts(n) {
    var cells = {};
    var choices = [];
    var nets = [];
    var anySample = false;
    var several = data.columns.length > 1;
    data.columns.forEach(function (col) {
      var o = outcome(n, col.campaign);
      var key = function (row) { return row + ":" + col.key; };
      cells[key("fee")] = { text: yen(o.fee), sample: false };
      if (data.has_campaign_row) {
        cells[key("campaign")] = { text: col.campaign ? "−" + yen(o.campaign) : "対象外", sample: false };
      }
      var used = [];
      o.paid.forEach(function (v, i) { if (v !== null) used.push(i); });
      var sample = used.some(function (i) { return programmes[i].sample; });
      anySample = anySample || sample;
      o.paid.forEach(function (v, i) {
        cells[key("p" + i)] = { text: v !== null ? "−" + yen(v) : "使わない", sample: false };
      });
      cells[key("net")] = { text: yen(o.net), sample: sample };
      nets.push(several ? col.short + " " + yen(o.net) : yen(o.net));

      var prefix = several ? col.short + ": " : "";
      var choice;
      if (used.length === 0) {
        choice = prefix + (col.campaign
          ? "キャンペーンで初年度のライセンス料が無料になるため、補助金は使わない計算です。"
          : programmes.length === 0
            ? "計算に使える制度がないため、補助金は0円です。"
            : "補助金を使っても負担が減らないため、補助金は0円です。");
      } else {
        var names = used.map(quoted);
        choice = used.length > 1
          ? prefix + names.join("と") + "を、この順に残りの額へ重ねて計算しています。"
          : prefix + names[0] + "で計算しています。";
        for (var j = 0; j < programmes.length; j++) {
          if (used.indexOf(j) >= 0) continue;
          var blocker = null;
          for (var u = 0; u < used.length; u++) {
            if (programmes[j].stacks_with.indexOf(used[u]) < 0) {
              blocker = used[u];
              break;
            }
          }
          choice += blocker !== null
            ? quoted(j) + "は" + quoted(blocker) + "と併用できないため入れていません（合計が大きくなるほうを使っています）。"
            : quoted(j) + "は、入れても補助額の合計が増えないため入れていません。";
        }
      }
      choices.push(choice);
    });
    var offices = thousands(n) + "件";
    return {
      offices: offices,
      cells: cells,
      choices: choices,
      summary: "事業所番号" + offices + "の実質の負担（年額の目安）: " + nets.join("、") + "。" +
        (anySample ? "サンプルの制度をもとにした計算です。" : ""),
    };
  }

  // A positive whole number (half- or full-width digits), or why not.
  function parse(raw) {
    var shown = raw.trim();
    var t = shown.replace(/[０-９]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
    if (t === "") return { error: "事業所番号の数を入力してください（1以上の整数）。" };
    if (!/^[0-9]+$/.test(t)) {
      return { error: "「" + shown + "」は事業所番号の数として計算できません。3 のように、1以上の整数を数字だけで入力してください。" };
    }
    var n = Number(t);
    if (n < 1) return { error: "事業所番号の数は1以上で入力してください（0件では計算できません）。" };
    if (n > MAX) return { error: "事業所番号の数は" + thousands(MAX) + "件までで入力してください。" };
    return { n: n };
  }

  function badge() {
    var span = document.createElement("span");
    span.className = "badge badge-sample";
    span.textContent = "サンプル";
    return span;
  }

  function update() {
    var parsed = parse(input.value);
    if (parsed.error) {
      // The table keeps the last number it was computed for; its caption says which.
      input.setAttribute("aria-invalid", "true");
      out.classList.add("estimate-error");
      out.textContent = parsed.error + "表は前の数のままです。";
      return;
    }
    input.removeAttribute("aria-invalid");
    out.classList.remove("estimate-error");
    var t = texts(parsed.n);
    document.querySelectorAll("[data-cell]").forEach(function (el) {
      var key = el.getAttribute("data-cell");
      if (key === "offices") {
        el.textContent = t.offices;
        return;
      }
      var cell = t.cells[key];
      if (!cell) return;
      el.replaceChildren(cell.text);
      if (cell.sample) el.append(" ", badge());
    });
    document.querySelectorAll("[data-choice]").forEach(function (el) {
      var choice = t.choices[Number(el.getAttribute("data-choice"))];
      if (choice !== undefined) el.textContent = choice;
    });
    out.textContent = t.summary;
  }

  input.addEventListener("input", update);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    update();
  });
  update();
})();
