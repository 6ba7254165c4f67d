// Adds a service-type filter to the partner list. Without JavaScript the
// list is grouped by type with a table of contents, so nothing is hidden.
(function () {
  var form = document.querySelector(".partner-filter");
  if (!form) return;
  var select = form.querySelector("select");
  var groups = document.querySelectorAll(".partner-group");
  form.hidden = false;
  select.addEventListener("change", function () {
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = select.value !== "" && groups[i].getAttribute("data-type") !== select.value;
    }
  });
})();
