/// The gallery page's script (`site/assets/gallery.js`): a virtual grid and the frame viewer.
///
/// The grid draws only the rows near the viewport, so the DOM stays small whatever the gallery's
/// size; frames arrive page by page from `data/<page>.js` scripts (script elements, because
/// `fetch()` of local files is refused on `file://`). The scroll area is cut into sections of at
/// most `rowsPerSection` rows, so its height stays far below the ~16.7 M px browsers can lay out.
extension SiteScript {
    static let gallery = #"""
    "use strict";
    (function () {
      const config = JSON.parse(document.getElementById("gallery-data").textContent);
      const grid = document.getElementById("grid");
      const status = document.getElementById("status");
      const sectionBox = document.getElementById("sections");
      const sectionSelect = document.getElementById("section");
      const viewer = document.getElementById("viewer");
      const viewerTitle = document.getElementById("viewer-title");
      const viewerImage = document.getElementById("viewer-image");
      const viewerSmall = document.getElementById("viewer-small");
      const viewerMeta = document.getElementById("viewer-meta");
      const prevButton = document.getElementById("viewer-prev");
      const nextButton = document.getElementById("viewer-next");
      const closeButton = document.getElementById("viewer-close");
      const targetCell = 180, rowsPerSection = 4000, overscan = 4;

      const pages = config.pages;
      const offsets = [];
      let total = 0;
      const pageByKey = new Map();
      pages.forEach(function (page, index) { offsets.push(total); total += page.n; pageByKey.set(page.k, index); });
      const loaded = new Map();
      const waiting = new Map();

      // Called by each data script with its page's frames.
      window.cupolaPage = function (key, frames) {
        const index = pageByKey.get(key);
        if (index === undefined) return;
        loaded.set(index, frames);
        const callbacks = waiting.get(index) || [];
        waiting.delete(index);
        callbacks.forEach(function (callback) { callback(); });
      };

      function loadPage(index, callback) {
        if (loaded.has(index)) { callback(); return; }
        if (waiting.has(index)) { waiting.get(index).push(callback); return; }
        waiting.set(index, [callback]);
        const script = document.createElement("script");
        script.src = "data/" + pages[index].k + ".js";
        script.onload = function () { script.remove(); };
        script.onerror = function () {
          script.remove();
          waiting.delete(index);
          say("Could not load " + script.src + ".");
        };
        document.head.appendChild(script);
      }

      function pageOf(index) {
        let low = 0, high = offsets.length - 1;
        while (low < high) {
          const middle = (low + high + 1) >> 1;
          if (offsets[middle] <= index) low = middle; else high = middle - 1;
        }
        return low;
      }

      function frameAt(index) {
        const page = pageOf(index);
        const frames = loaded.get(page);
        return frames ? frames[index - offsets[page]] : null;
      }

      function say(text) { status.textContent = text; }

      function url(path) { return config.base + path; }

      function byWidth(frame) {
        return Object.keys(frame.r).map(function (name) {
          return { name: name, path: frame.r[name][0], width: frame.r[name][1], height: frame.r[name][2] };
        }).sort(function (a, b) { return a.width - b.width || (a.name < b.name ? -1 : 1); });
      }

      function rendition(frame, name) {
        const found = frame.r[name];
        return found ? { name: name, path: found[0], width: found[1], height: found[2] } : null;
      }

      function time(value) { return value ? value.replace("T", " ").replace("Z", " UTC") : "time unknown"; }

      function altText(frame) { return frame.t ? frame.i + ", taken " + time(frame.t) : frame.i; }

      // Grid -------------------------------------------------------------------------------------
      let columns = 1, cell = targetCell, section = 0, sectionSize = 1, rowCount = 0;
      const rows = new Map();

      function sectionStart() { return section * sectionSize; }

      function layout() {
        const width = grid.clientWidth || window.innerWidth;
        columns = Math.max(1, Math.floor(width / targetCell));
        cell = Math.floor(width / columns);
        sectionSize = rowsPerSection * columns;
        const sections = Math.max(1, Math.ceil(total / sectionSize));
        section = Math.min(section, sections - 1);
        if (sectionSelect.options.length !== sections) {
          sectionSelect.textContent = "";
          for (let s = 0; s < sections; s++) {
            const first = s * sectionSize, last = Math.min(total, first + sectionSize) - 1;
            const option = document.createElement("option");
            option.value = String(s);
            const from = pages[pageOf(first)].a, to = pages[pageOf(last)].b;
            option.textContent = (first + 1).toLocaleString("en") + "–" + (last + 1).toLocaleString("en")
              + (from ? " (" + from.slice(0, 10) + " to " + (to || from).slice(0, 10) + ")" : "");
            sectionSelect.appendChild(option);
          }
        }
        sectionSelect.value = String(section);
        sectionBox.hidden = sections <= 1;
        rowCount = Math.ceil(Math.min(sectionSize, total - sectionStart()) / columns);
        grid.style.height = (rowCount * cell) + "px";
        rows.forEach(function (row) { row.remove(); });
        rows.clear();
        render();
      }

      function render() {
        const top = -grid.getBoundingClientRect().top;
        const first = Math.max(0, Math.floor(top / cell) - overscan);
        const last = Math.min(rowCount - 1, Math.floor((top + window.innerHeight) / cell) + overscan);
        rows.forEach(function (row, number) {
          if (number < first || number > last) { row.remove(); rows.delete(number); }
        });
        for (let number = first; number <= last; number++) {
          if (!rows.has(number)) {
            const row = makeRow(number);
            rows.set(number, row);
            grid.appendChild(row);
          }
        }
      }

      function refresh() {
        // Rows drawn before their page arrived are drawn again.
        rows.forEach(function (row, number) {
          if (row.dataset.pending) { row.remove(); rows.delete(number); }
        });
        render();
      }

      function makeRow(number) {
        const row = document.createElement("div");
        row.className = "row";
        row.style.top = (number * cell) + "px";
        row.style.height = cell + "px";
        row.setAttribute("role", "list");
        const start = sectionStart() + number * columns;
        const end = Math.min(total, start + columns, sectionStart() + sectionSize);
        for (let index = start; index < end; index++) {
          const frame = frameAt(index);
          if (frame) {
            row.appendChild(makeCell(frame, index));
          } else {
            row.dataset.pending = "1";
            const placeholder = document.createElement("div");
            placeholder.className = "cell";
            placeholder.style.width = placeholder.style.height = cell + "px";
            const box = document.createElement("div");
            box.className = "pending";
            placeholder.appendChild(box);
            row.appendChild(placeholder);
            loadPage(pageOf(index), refresh);
          }
        }
        return row;
      }

      function makeCell(frame, index) {
        const link = document.createElement("a");
        link.className = "cell";
        link.href = "#" + encodeURIComponent(frame.i);
        link.dataset.index = String(index);
        link.setAttribute("role", "listitem");
        link.style.width = link.style.height = cell + "px";
        const sizes = byWidth(frame);
        const small = rendition(frame, "thumb") || sizes[0];
        const image = document.createElement("img");
        image.loading = "lazy";
        image.decoding = "async";
        if (small) {
          image.width = small.width;
          image.height = small.height;
          image.srcset = sizes.map(function (size) { return url(size.path) + " " + size.width + "w"; }).join(", ");
          image.sizes = (cell - 6) + "px";
          image.src = url(small.path);
        }
        image.alt = altText(frame);
        link.appendChild(image);
        return link;
      }

      let scheduled = false;
      function onScroll() {
        if (scheduled) return;
        scheduled = true;
        window.requestAnimationFrame(function () { scheduled = false; render(); });
      }

      function reveal(index) {
        const wanted = Math.floor(index / sectionSize);
        if (wanted !== section) { section = wanted; layout(); }
        const row = Math.floor((index - sectionStart()) / columns);
        const gridTop = grid.getBoundingClientRect().top + window.scrollY;
        window.scrollTo(0, Math.max(0, gridTop + row * cell - window.innerHeight / 3));
        render();
      }

      // Viewer -----------------------------------------------------------------------------------
      let current = -1, lastShown = 0, opener = null;

      function openViewer(index, from) {
        if (!viewer.open) {
          opener = from || document.activeElement;
          viewer.showModal();
          closeButton.focus();
        }
        show(index);
      }

      function show(index) {
        if (index < 0 || index >= total) return;
        current = index;
        lastShown = index;
        prevButton.disabled = index === 0;
        nextButton.disabled = index === total - 1;
        const frame = frameAt(index);
        if (!frame) {
          viewerTitle.textContent = "Loading…";
          loadPage(pageOf(index), function () { if (current === index) show(index); });
          return;
        }
        viewerTitle.textContent = frame.i;
        const sizes = byWidth(frame);
        const large = rendition(frame, "large") || sizes[sizes.length - 1];
        const medium = rendition(frame, "medium");
        if (medium) viewerSmall.srcset = url(medium.path); else viewerSmall.removeAttribute("srcset");
        if (large) {
          viewerImage.width = large.width;
          viewerImage.height = large.height;
          viewerImage.src = url(large.path);
        }
        viewerImage.alt = altText(frame);
        fillMetadata(frame, sizes);
        history.replaceState(null, "", "#" + encodeURIComponent(frame.i));
        // The neighbours' pages, so that stepping on does not wait.
        if (index + 1 < total) loadPage(pageOf(index + 1), function () {});
        if (index > 0) loadPage(pageOf(index - 1), function () {});
      }

      function fillMetadata(frame, sizes) {
        viewerMeta.textContent = "";
        function add(label, value) {
          if (value === undefined || value === null || value === "") return;
          const term = document.createElement("dt");
          term.textContent = label;
          const detail = document.createElement("dd");
          if (value instanceof Node) detail.appendChild(value); else detail.textContent = String(value);
          viewerMeta.appendChild(term);
          viewerMeta.appendChild(detail);
        }
        add("Frame", frame.i);
        add("Captured (UTC)", time(frame.t));
        add("Camera", frame.c);
        add("Lens", frame.l);
        add("Focal length", frame.f != null ? frame.f + " mm" : null);
        add("Aperture", frame.n != null ? "f/" + frame.n : null);
        add("Exposure", frame.e != null ? (frame.e < 1 ? "1/" + Math.round(1 / frame.e) : String(frame.e)) + " s" : null);
        add("ISO", frame.o);
        if (frame.g) {
          add("Position", frame.g[0].toFixed(5) + ", " + frame.g[1].toFixed(5)
            + (frame.g.length > 2 ? ", " + Math.round(frame.g[2]) + " m" : ""));
        }
        add("Size", frame.w + " × " + frame.h);
        add("Source file", frame.s);
        const files = document.createElement("ul");
        sizes.forEach(function (size) {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.href = url(size.path);
          link.textContent = size.name + " (" + size.width + " × " + size.height + ")";
          item.appendChild(link);
          files.appendChild(item);
        });
        if (frame.x) {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.href = config.root + frame.x;
          link.textContent = "original";
          item.appendChild(link);
          files.appendChild(item);
        }
        add("Files", files);
      }

      function closed() {
        current = -1;
        history.replaceState(null, "", location.pathname + location.search);
        if (opener && opener.isConnected) { opener.focus(); return; }
        // The opener's row was scrolled away: focus the cell of the frame last shown instead.
        const index = lastShown;
        reveal(index);
        const again = grid.querySelector('[data-index="' + index + '"]');
        if (again) again.focus();
      }

      viewer.addEventListener("close", closed);
      prevButton.addEventListener("click", function () { show(current - 1); });
      nextButton.addEventListener("click", function () { show(current + 1); });
      closeButton.addEventListener("click", function () { viewer.close(); });
      viewer.addEventListener("keydown", function (event) {
        if (event.key === "ArrowLeft") { event.preventDefault(); show(current - 1); }
        else if (event.key === "ArrowRight") { event.preventDefault(); show(current + 1); }
        else if (event.key === "Tab") {
          // The focus stays inside the viewer while it is open.
          const focusable = Array.from(viewer.querySelectorAll("button:not([disabled]), a[href]"));
          if (focusable.length === 0) return;
          const first = focusable[0], last = focusable[focusable.length - 1];
          if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
          else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
        }
      });

      grid.addEventListener("click", function (event) {
        const link = event.target.closest("a.cell");
        if (!link) return;
        event.preventDefault();
        openViewer(Number(link.dataset.index), link);
      });

      // Permalinks: #ISS069-E-12345 opens that frame. Pages list the least and greatest id they
      // hold, so only pages that can hold it are loaded.
      function openFromHash() {
        if (!location.hash) return;
        let id;
        try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { return; }
        if (current >= 0 && frameAt(current) && frameAt(current).i === id) return;
        const candidates = [];
        pages.forEach(function (page, index) { if (page.lo <= id && id <= page.hi) candidates.push(index); });
        (function next() {
          if (candidates.length === 0) { say("No frame " + id + " in this gallery."); return; }
          const page = candidates.shift();
          loadPage(page, function () {
            const frames = loaded.get(page);
            for (let offset = 0; offset < frames.length; offset++) {
              if (frames[offset].i === id) {
                reveal(offsets[page] + offset);
                openViewer(offsets[page] + offset, null);
                return;
              }
            }
            next();
          });
        })();
      }

      sectionSelect.addEventListener("change", function () {
        section = Number(sectionSelect.value);
        layout();
        window.scrollTo(0, grid.getBoundingClientRect().top + window.scrollY);
      });
      window.addEventListener("scroll", onScroll, { passive: true });
      let lastWidth = 0;
      window.addEventListener("resize", function () {
        if (grid.clientWidth !== lastWidth) { lastWidth = grid.clientWidth; layout(); } else { onScroll(); }
      });
      window.addEventListener("hashchange", openFromHash);
      lastWidth = grid.clientWidth;
      layout();
      say(total === 0 ? "This gallery has no frames." : "");
      openFromHash();
    })();
    """#
}
