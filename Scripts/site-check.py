#!/usr/bin/env python3
"""Opens a built gallery site (DIR/site) in headless Chromium and reports what a visitor sees, as
one JSON object on stdout: the tests assert on it, and the figures in the notes come from it.

  site-check.py SITE --checks index,gallery,jump,viewer,permalink,nojs --gallery ID [--frame ID]
                [--screenshots DIR]

Each check records the browser's console errors. Exit 2 when Chromium, chromedriver or selenium
is missing (the tests then skip), 0 otherwise: judging the results is the caller's business.
"""
import argparse
import json
import os
import shutil
import sys
import time
import urllib.parse

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, TimeoutException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("python selenium is not installed (Scripts/install-deps.sh installs it)", file=sys.stderr)
    sys.exit(2)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def browser(javascript=True):
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--hide-scrollbars"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def alert_shown(driver):
    try:
        driver.switch_to.alert.dismiss()
        return True
    except NoAlertPresentException:
        return False


def wait(driver, condition, seconds=60):
    return WebDriverWait(driver, seconds, poll_frequency=0.02).until(condition)


def url(site, *parts, fragment=None):
    path = "file://" + urllib.parse.quote(os.path.join(os.path.abspath(site), *parts))
    return path + ("#" + urllib.parse.quote(fragment, safe="") if fragment else "")


# WCAG 2 contrast of every visible element with text of its own under arguments[0]: its colour
# laid over its background (the nearest opaque ancestor's, translucent layers composited), relative
# luminance, (L1 + 0.05) / (L2 + 0.05), against 4.5:1, or 3:1 for large text (24 px, or 18.66 px
# bold). Disabled controls are exempt, as in WCAG. Reports how many were measured and which fail.
CONTRAST = """
const parse = c => {
  const m = c.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return [0, 0, 0, 0];
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
const background = element => {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const colour = parse(getComputedStyle(e).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  return layers.reduceRight((below, layer) => over(layer, below), [255, 255, 255, 1]);
};
const luminance = c => {
  const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const failures = [];
let measured = 0;
for (const element of document.querySelectorAll(arguments[0])) {
  for (const e of [element, ...element.querySelectorAll('*')]) {
    if (!Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(e);
    if (!e.getClientRects().length || style.visibility === 'hidden' || e.matches(':disabled')) continue;
    const back = background(e), front = over(parse(style.color), back);
    const [light, dark] = [luminance(front), luminance(back)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const required = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    measured++;
    if (ratio < required) failures.push({text: e.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100, required});
  }
}
return {measured: measured, failures: failures};
"""


def contrast(driver, selector):
    return driver.execute_script(CONTRAST, selector)


def check_index(driver, site, args):
    driver.get(url(site, "index.html"))
    cards = driver.find_elements(By.CSS_SELECTOR, ".card")
    result = {
        "titles": [card.find_element(By.CSS_SELECTOR, ".card-title").text for card in cards],
        "links": [card.find_element(By.CSS_SELECTOR, "a").get_attribute("href").split("/site/")[-1] for card in cards],
        "covers": driver.execute_script(
            "return Array.from(document.querySelectorAll('.card img')).filter(i => i.complete && i.naturalWidth > 0).length"),
    }
    result["contrast"] = contrast(driver, "body")
    if args.screenshots:
        driver.save_screenshot(os.path.join(args.screenshots, "index.png"))
    if cards:
        box = driver.find_element(By.ID, "filter")
        box.send_keys(result["links"][0].split("/")[0])
        result["shownAfterFilter"] = len([card for card in cards if card.is_displayed()])
    return result


THUMB_SHOWN = """
return Array.from(document.querySelectorAll('#grid img')).some(i => i.complete && i.naturalWidth > 0)
"""

# Shows section arguments[0] of the grid and scrolls it from arguments[1] down, three viewports at
# a time for at most arguments[2] steps, waiting two frames after each; reports the most img
# elements the document held at any step and where it stopped (the browser is asked again and
# again, so that no single call outlasts the WebDriver client's timeout).
SCROLL_SOME = """
const [section, from, limit, done] = arguments;
const select = document.getElementById('section');
// Two animation frames, or half a second when the headless browser holds frames back.
const frame = () => Promise.race([new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))),
                                  new Promise(r => setTimeout(r, 500))]);
(async () => {
  if (from === 0 && select.options.length) { select.value = String(section); select.dispatchEvent(new Event('change')); }
  await frame();
  let most = document.images.length, y = from, steps = 0;
  const end = document.documentElement.scrollHeight;
  for (; y <= end && steps < limit; y += 3 * window.innerHeight, steps++) {
    window.scrollTo(0, y);
    await frame();
    most = Math.max(most, document.images.length);
  }
  if (y > end) {
    window.scrollTo(0, end);
    await frame();
    most = Math.max(most, document.images.length);
  }
  done({most: most, next: y > end ? null : y, steps: steps, sections: Math.max(1, select.options.length),
        scrollHeight: document.documentElement.scrollHeight});
})();
"""


def scroll_all(driver):
    most, steps, section, sections, height = 0, 0, 0, 1, 0
    while section < sections:
        position = 0
        while position is not None:
            chunk = driver.execute_async_script(SCROLL_SOME, section, position, 10)
            most, steps = max(most, chunk["most"]), steps + chunk["steps"]
            sections, height, position = chunk["sections"], max(height, chunk["scrollHeight"]), chunk["next"]
        section += 1
    return {"most": most, "steps": steps, "sections": sections, "scrollHeight": height}


def total_frames(driver):
    return driver.execute_script(
        "return JSON.parse(document.getElementById('gallery-data').textContent).pages.reduce((n, p) => n + p.n, 0)")


def check_gallery(driver, site, args):
    started = time.monotonic()
    driver.get(url(site, args.gallery, "index.html"))
    wait(driver, lambda d: d.execute_script(THUMB_SHOWN))
    result = {"firstThumbnailSeconds": round(time.monotonic() - started, 3), "frames": total_frames(driver)}
    result["imagesAtStart"] = driver.execute_script("return document.images.length")
    result["contrast"] = contrast(driver, "body")
    if args.screenshots:
        driver.save_screenshot(os.path.join(args.screenshots, "gallery.png"))
    driver.set_script_timeout(100)
    scrolled = scroll_all(driver)
    result.update(mostImages=scrolled["most"], scrollSteps=scrolled["steps"], sections=scrolled["sections"],
                  scrollHeight=scrolled["scrollHeight"])
    last = str(result["frames"] - 1)
    selector = '#grid a.cell[data-index="%s"] img' % last
    try:
        wait(driver, lambda d: d.execute_script(
            "const i = document.querySelector(arguments[0]); return i && i.complete && i.naturalWidth > 0", selector), 30)
        result["lastFrameAlt"] = driver.find_element(By.CSS_SELECTOR, selector).get_attribute("alt")
    except TimeoutException:
        result["lastFrameAlt"] = None
    result["imagesAtEnd"] = driver.execute_script("return document.images.length")
    result["elementsAtEnd"] = driver.execute_script("return document.getElementsByTagName('*').length")
    result["imagesWithoutSize"] = driver.execute_script(
        "return Array.from(document.querySelectorAll('#grid img')).filter(i => !i.getAttribute('width') || !i.getAttribute('height')"
        " || i.loading !== 'lazy' || !i.srcset).length")
    return result


def check_jump(driver, site, args):
    """The first thumbnails, then straight to the end of the last section: the archive-scale figures
    without scrolling every row (make bench)."""
    started = time.monotonic()
    driver.get(url(site, args.gallery, "index.html"))
    wait(driver, lambda d: d.execute_script(THUMB_SHOWN))
    result = {"firstThumbnailSeconds": round(time.monotonic() - started, 3), "frames": total_frames(driver),
              "imagesAtStart": driver.execute_script("return document.images.length")}
    driver.set_script_timeout(100)
    sections = driver.execute_async_script(SCROLL_SOME, 0, 0, 0)["sections"]
    started = time.monotonic()
    driver.execute_async_script(SCROLL_SOME, sections - 1, 0, 0)
    end = driver.execute_async_script(SCROLL_SOME, sections - 1, 10 ** 9, 0)
    selector = '#grid a.cell[data-index="%d"] img' % (result["frames"] - 1)
    wait(driver, lambda d: d.execute_script(
        "const i = document.querySelector(arguments[0]); return i && i.complete && i.naturalWidth > 0", selector), 60)
    result.update(sections=sections, lastFrameSeconds=round(time.monotonic() - started, 3),
                  lastFrameAlt=driver.find_element(By.CSS_SELECTOR, selector).get_attribute("alt"),
                  scrollHeight=end["scrollHeight"], imagesAtEnd=driver.execute_script("return document.images.length"),
                  elementsAtEnd=driver.execute_script("return document.getElementsByTagName('*').length"))
    return result


def viewer_state(driver):
    return driver.execute_script("""
      const v = document.getElementById('viewer');
      const meta = {};
      const terms = v.querySelectorAll('dt');
      terms.forEach(t => { meta[t.textContent] = t.nextElementSibling.textContent; });
      const image = document.getElementById('viewer-image');
      return {open: v.open, title: document.getElementById('viewer-title').textContent, metadata: meta,
              hash: decodeURIComponent(location.hash.slice(1)),
              image: image.getAttribute('src'), imageLoaded: image.complete && image.naturalWidth > 0,
              elementsInMetadata: v.querySelectorAll('#viewer-meta script, #viewer-meta img').length,
              focusInside: v.contains(document.activeElement)};
    """)


def check_viewer(driver, site, args):
    driver.get(url(site, args.gallery, "index.html"))
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#grid a.cell[data-index="0"]'))
    first = driver.find_element(By.CSS_SELECTOR, '#grid a.cell[data-index="0"]')
    first.click()
    wait(driver, lambda d: viewer_state(d)["open"] and viewer_state(d)["title"] not in ("", "Loading…"))
    wait(driver, lambda d: viewer_state(d)["imageLoaded"], 20)
    opened = viewer_state(driver)
    opened["contrast"] = contrast(driver, "#viewer")
    if args.screenshots:
        driver.save_screenshot(os.path.join(args.screenshots, "viewer.png"))
    steps = []
    for key in [Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_LEFT]:
        before = viewer_state(driver)["title"]
        driver.switch_to.active_element.send_keys(key)
        wait(driver, lambda d: viewer_state(d)["title"] not in (before, "Loading…"), 20)
        steps.append(viewer_state(driver)["title"])
    # Tab from the last control comes back to the first: the focus stays in the viewer.
    for _ in range(12):
        driver.switch_to.active_element.send_keys(Keys.TAB)
    trapped = viewer_state(driver)["focusInside"]
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(driver, lambda d: not viewer_state(d)["open"], 10)
    closed = viewer_state(driver)
    focus = driver.execute_script("return document.activeElement.dataset ? document.activeElement.dataset.index || null : null")
    return {"opened": opened, "steps": steps, "focusTrapped": trapped, "closed": closed["open"] is False,
            "hashAfterClose": closed["hash"], "focusAfterClose": focus, "alert": alert_shown(driver)}


def check_permalink(driver, site, args):
    driver.get("about:blank")
    driver.get(url(site, args.gallery, "index.html", fragment=args.frame))
    try:
        wait(driver, lambda d: viewer_state(d)["open"] and viewer_state(d)["title"] == args.frame, 60)
        wait(driver, lambda d: viewer_state(d)["imageLoaded"], 20)
    except TimeoutException:
        pass
    state = viewer_state(driver)
    state["alert"] = alert_shown(driver)
    return state


def check_nojs(driver, site, args):
    driver.get(url(site, args.gallery, "index.html"))
    links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "ol.page-list a")]
    frames, unsized, pages = [], 0, 0
    for link in links:
        driver.get(link)
        pages += 1
        listed = driver.execute_script("""
          return Array.from(document.querySelectorAll('ul.plain li')).map(li => {
            const img = li.querySelector('img');
            return [li.querySelector('span').firstChild.textContent,
                    !!img && !!img.getAttribute('width') && !!img.getAttribute('height') && img.loading === 'lazy'];
          });""")
        frames += [name for name, _ in listed]
        unsized += len([1 for _, sized in listed if not sized])
    return {"pages": pages, "frames": frames, "imagesWithoutSize": unsized}


CHECKS = {"index": check_index, "gallery": check_gallery, "jump": check_jump, "viewer": check_viewer,
          "permalink": check_permalink}


def hung(error):
    """Whether a WebDriver call failed because the browser stopped answering (a read timeout)."""
    while error is not None:
        if isinstance(error, TimeoutError) or type(error).__name__ in ("ReadTimeoutError", "ScriptTimeoutException"):
            return True
        error = error.__cause__ or error.__context__
    return False


def kill_tree(pid):
    """SIGKILL to a process and all its descendants (chromedriver and the browsers it started)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    doomed, pending = [], [pid]
    while pending:
        current = pending.pop()
        doomed.append(current)
        pending += children.get(current, [])
    for victim in doomed:
        try:
            os.kill(victim, 9)
        except OSError:
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site")
    parser.add_argument("--checks", default="index,gallery,viewer")
    parser.add_argument("--gallery")
    parser.add_argument("--frame")
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    if not CHROMIUM or not DRIVER:
        print("chromium or chromedriver is not installed (Scripts/install-deps.sh installs them)", file=sys.stderr)
        return 2
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    results = {}
    checks = args.checks.split(",")
    driver = browser()
    try:
        for name in [c for c in checks if c in CHECKS]:
            try:
                results[name] = CHECKS[name](driver, args.site, args)
            except Exception as error:
                if not hung(error):
                    raise
                # Headless Chromium has stopped answering twice in full test runs on 2 busy cores
                # (never alone; docs/DESIGN-NOTES.md, "Known defect"): the check is done once more
                # in a new browser, and the output says so.
                print(f"site-check: the browser stopped answering during '{name}'; once more in a new one", file=sys.stderr)
                kill_tree(driver.service.process.pid)
                driver = browser()
                results.setdefault("browserRestarts", []).append(name)
                results[name] = CHECKS[name](driver, args.site, args)
            results[name]["consoleErrors"] = console_errors(driver)
    finally:
        driver.quit()
    if "nojs" in checks:
        driver = browser(javascript=False)
        try:
            results["nojs"] = check_nojs(driver, args.site, args)
            results["nojs"]["consoleErrors"] = console_errors(driver)
        finally:
            driver.quit()
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
