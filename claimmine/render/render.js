// claimmine HTML view: show a segment's tooltip on hover or keyboard focus; Escape hides it.
(function () {
  "use strict";
  var current = null;

  function tipOf(segment) {
    return document.getElementById(segment.getAttribute("aria-describedby"));
  }

  function segmentOf(node) {
    return node && node.closest ? node.closest(".cm-seg") : null;
  }

  function hide() {
    if (current === null) return;
    tipOf(current).hidden = true;
    current.classList.remove("cm-active");
    current = null;
  }

  // Place the tooltip just below the point (x, y), in viewport coordinates, kept inside the viewport.
  function place(tip, x, y) {
    var view = document.documentElement;
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var left = Math.max(8, Math.min(x, view.clientWidth - width - 8));
    var top = y + 14;
    if (top + height > view.clientHeight - 8) top = Math.max(8, y - height - 30);
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function show(segment, x, y) {
    if (current !== segment) hide();
    current = segment;
    var tip = tipOf(segment);
    tip.hidden = false;
    segment.classList.add("cm-active");
    place(tip, x, y);
  }

  document.addEventListener("mouseover", function (event) {
    var segment = segmentOf(event.target);
    if (segment !== null) {
      if (segment !== current) show(segment, event.clientX, event.clientY);
    } else if (current !== null && document.activeElement !== current) {
      hide();
    }
  });
  document.addEventListener("focusin", function (event) {
    var segment = segmentOf(event.target);
    if (segment === null) return;
    var box = segment.getClientRects()[0] || segment.getBoundingClientRect();
    show(segment, box.left, box.bottom - 10);
  });
  document.addEventListener("focusout", function (event) {
    if (segmentOf(event.target) === current) hide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
  });
  window.addEventListener("resize", hide);
})();
