// Calendar drag and drop: drop a post card on a day (month view: same time of day) or an hour
// (week view: same minutes) and the calendar is re-rendered by the server after it moved the post
// through services.publish.schedule. The CSRF token travels in the X-CSRF-Token header.
(function () {
  "use strict";
  var region = document.getElementById("calendar");
  if (!region) { return; }
  var dragged = null;

  region.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-post]");
    if (!card) { return; }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.post);
    card.classList.add("dragging");
  });
  region.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
    region.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
  });
  function cellOf(event) {
    return event.target.closest && event.target.closest("td[data-date]");
  }
  region.addEventListener("dragover", function (event) {
    var cell = cellOf(event);
    if (!cell || !dragged) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    region.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
    cell.classList.add("drop-target");
  });
  region.addEventListener("drop", function (event) {
    var cell = cellOf(event);
    if (!cell || !dragged) { return; }
    event.preventDefault();
    var time = dragged.dataset.time;  // "HH:MM" on the practice's clock
    if (cell.dataset.hour !== undefined) {
      time = String(cell.dataset.hour).padStart(2, "0") + ":" + time.slice(3);
    }
    var table = region.querySelector("table.calendar");
    htmx.ajax("POST", "/calendar/move", {
      target: "#calendar",
      swap: "innerHTML",
      headers: { "X-CSRF-Token": region.dataset.csrf },
      values: {
        post_id: dragged.dataset.post,
        at: cell.dataset.date + "T" + time,
        view: table.dataset.view,
        day: table.dataset.day,
        account: table.dataset.account
      }
    });
  });
})();
