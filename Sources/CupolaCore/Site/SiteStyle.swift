/// The site's one stylesheet (`site/assets/site.css`). Colours were chosen for WCAG AA: body text
/// #e8eaed on #101418 is 15:1, muted text #b4bcc6 is 9:1, links #8ab4f8 8:1, and the focus ring
/// (#ffd54f) stands out against both the page and the thumbnails' dark frames.
enum SiteStyle {
    static let css = #"""
    :root { color-scheme: dark; --bg: #101418; --panel: #1b2128; --text: #e8eaed; --muted: #b4bcc6;
      --link: #8ab4f8; --focus: #ffd54f; }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--text); font: 16px/1.5 system-ui, sans-serif; }
    a { color: var(--link); }
    a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible {
      outline: 3px solid var(--focus); outline-offset: 2px; }
    header { padding: 1rem 1.5rem; background: var(--panel); }
    header h1 { margin: 0.25rem 0; font-size: 1.6rem; }
    .muted { color: var(--muted); }
    main { padding: 1rem 1.5rem 3rem; }
    input, select, button { font: inherit; color: var(--text); background: var(--bg); border: 1px solid var(--muted);
      border-radius: 4px; padding: 0.3rem 0.6rem; }
    button:disabled { color: var(--muted); border-color: #4a525c; }
    .cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem;
      grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); }
    .card a { display: block; background: var(--panel); border-radius: 6px; padding: 0.6rem; text-decoration: none;
      color: var(--text); height: 100%; }
    .card img, .card .no-cover { display: block; width: 100%; height: 160px; object-fit: contain; background: #000; }
    .card-title { display: block; font-weight: 600; margin-top: 0.4rem; color: var(--link); }
    .card-meta { display: block; color: var(--muted); font-size: 0.9rem; }
    .grid { position: relative; width: 100%; }
    .row { position: absolute; left: 0; right: 0; display: flex; }
    .cell { display: block; padding: 3px; flex: none; }
    .cell img, .cell .pending { display: block; width: 100%; height: 100%; object-fit: contain; background: #000; }
    .sections { margin-top: 0.5rem; }
    .viewer { width: 100vw; height: 100vh; max-width: none; max-height: none; margin: 0; border: 0; padding: 0;
      background: #000; color: var(--text); }
    .viewer::backdrop { background: rgba(0, 0, 0, 0.85); }
    .viewer-bar { display: flex; gap: 0.5rem; align-items: center; padding: 0.5rem 1rem; background: var(--panel); }
    .viewer-bar h2 { margin: 0 auto 0 0; font-size: 1.1rem; }
    .viewer-body { display: flex; height: calc(100vh - 3.2rem); }
    .viewer-body picture { flex: 1; display: flex; align-items: center; justify-content: center; min-width: 0; }
    .viewer-body img { max-width: 100%; max-height: 100%; width: auto; height: auto; }
    .meta { width: 22rem; flex: none; margin: 0; padding: 1rem; overflow: auto; background: var(--panel); }
    .meta dt { color: var(--muted); font-size: 0.85rem; margin-top: 0.5rem; }
    .meta dd { margin: 0; overflow-wrap: anywhere; }
    @media (max-width: 900px) { .viewer-body { flex-direction: column; } .meta { width: auto; max-height: 40vh; } }
    .plain { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem;
      grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); }
    .plain img { display: block; width: 100%; height: auto; background: #000; }
    .plain span { display: block; font-size: 0.85rem; color: var(--muted); }
    .page-list li { margin: 0.2rem 0; }
    """#
}
