// zoek's search page works without this script. With it, "Meer resultaten" adds the next
// results under the list (the keyboard focus moves to the first of them), and "/" puts the
// cursor in the search box. What it adds comes from the server's own pages, escaped there.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
    var box = document.getElementById("q");
    if (event.key === "/" && !typing && box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
  document.addEventListener("click", function (event) {
    var more = event.target.closest && event.target.closest("a.more");
    if (!more || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    more.setAttribute("aria-busy", "true");
    fetch(more.href, { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (text) {
        var next = new DOMParser().parseFromString(text, "text/html");
        var list = document.querySelector("ol.results");
        var first = null;
        next.querySelectorAll("ol.results > li").forEach(function (item) {
          var added = document.importNode(item, true);
          list.appendChild(added);
          first = first || added;
        });
        var further = next.querySelector("a.more");
        if (further) {
          more.href = further.href;
          more.removeAttribute("aria-busy");
        } else {
          more.parentNode.remove();
        }
        if (first) {
          first.querySelector("a").focus();
        }
      })
      .catch(function () {
        window.location.href = more.href;
      });
  });
})();
