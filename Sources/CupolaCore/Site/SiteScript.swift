/// The site's scripts, written by hand (no third-party code): small, plain, and only progressive
/// enhancement — every page also works without them (see `SitePages`).
enum SiteScript {
    /// The index's filter box (`site/assets/index.js`): hides the cards that do not match.
    static let index = #"""
    "use strict";
    (function () {
      const box = document.getElementById("filter-box");
      const input = document.getElementById("filter");
      const cards = Array.from(document.querySelectorAll(".card"));
      const none = document.getElementById("no-match");
      box.hidden = false;
      input.addEventListener("input", function () {
        const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        let shown = 0;
        cards.forEach(function (card) {
          const text = card.dataset.search;
          const match = words.every(function (word) { return text.indexOf(word) >= 0; });
          card.hidden = !match;
          if (match) shown++;
        });
        none.hidden = shown > 0;
      });
    })();
    """#
}
