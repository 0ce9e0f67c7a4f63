"""Visible keyboard focus (WCAG 2.4.7), with real Tab presses sent in batches.

Programmatic el.focus() does not reliably match :focus-visible, so only real
Tab presses show the indicator a keyboard user would see. A listener in the
page looks at the focused element when the next Tab arrives (the state the
previous Tab left), so a batch of presses costs one WebDriver round trip
instead of two per element; presses after the traversal wrapped around are
ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from builder.a11y.model import Finding, NodeRef
from builder.a11y.probe_js import HELPERS_JS, UNDERSTANDING

FOCUS_RULE = "infopages-focus-visible"
BATCH = 24  # Tab presses per round trip

# Every cell starts like a fresh load: nothing focused, the sequential focus
# navigation starting point at the top (blur() alone keeps it where focus was,
# so the next Tab would continue from there), scrolled to the top.
RESET_JS = r"""
const a = document.activeElement;
if (a && a.blur) { a.blur(); }
if (document.body) {
  const t = document.createElementNS('http://www.w3.org/1999/xhtml', 'span');
  t.tabIndex = -1;
  document.body.prepend(t);
  t.focus({preventScroll: true});
  t.remove();
}
window.scrollTo(0, 0);
"""

# What decides the order Tab visits elements in, apart from the DOM itself: which
# focusable elements render, their tabindex, and which boxes scroll (Chromium
# makes a scroller without focusable content a tab stop). Two cells with the same
# fingerprint are visited in the same order.
_FINGERPRINT_JS = r"""
const FOCUSABLE = 'a[href],area[href],button,input,select,textarea,iframe,object,embed,summary,' +
  '[tabindex],[contenteditable],audio[controls],video[controls],details';
const fingerprint = () => {
  const parts = [];
  for (const el of document.querySelectorAll(FOCUSABLE)) {
    const shown = !el.checkVisibility || el.checkVisibility({visibilityProperty: true});
    parts.push((shown ? 1 : 0) + ':' + el.tabIndex + ':' + (el.disabled ? 1 : 0) + ':' + (el.inert ? 1 : 0));
  }
  for (const el of document.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.readingFlow && cs.readingFlow !== 'normal') { parts.push('flow'); }
    if (cs.overflowX === 'visible' && cs.overflowY === 'visible') { continue; }
    parts.push('s' + (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight ? 1 : 0));
  }
  return parts.join(',');
};
"""

# Focus probe state lives on window so each step can compare the element that
# just lost focus (its unfocused look) with what it looked like focused.
_STATE_JS = HELPERS_JS + _FINGERPRINT_JS + r"""
const PROPS = ['outline-style', 'outline-width', 'outline-color', 'outline-offset', 'box-shadow',
  'border-top-style', 'border-top-width', 'border-top-color', 'border-bottom-style',
  'border-bottom-width', 'border-bottom-color',
  'background-color', 'background-image', 'color', 'text-decoration-line',
  'text-decoration-style', 'text-decoration-color', 'text-decoration-thickness',
  'text-underline-offset', 'opacity', 'transform', 'filter', 'clip-path', 'clip',
  'visibility', 'position', 'left', 'top', 'right', 'bottom', 'content'];
const PARENT_PROPS = ['outline-style', 'outline-color', 'box-shadow', 'background-color',
  'border-top-color', 'border-bottom-color'];
// Properties that cannot show (an outline offset with no outline, a
// ::before with no content) are dropped: Chromium's UA sheet changes some
// of them on :focus-visible even when the author hid the indicator.
const INERT = [['outline-style', 'outline-'], ['border-top-style', 'border-top-'],
  ['border-bottom-style', 'border-bottom-'], ['text-decoration-line', 'text-decoration-'],
  ['text-decoration-line', 'text-underline-']];
const read = (cs, props, prefix, out) => {
  const values = {};
  for (const p of props) { values[p] = cs.getPropertyValue(p); }
  if (prefix.startsWith('::') && (values.content === 'none' || values.content === 'normal')) {
    out[prefix + 'content'] = values.content;
    return;
  }
  for (const [switchProp, family] of INERT) {
    if (values[switchProp] !== 'none') { continue; }
    for (const p of props) { if (p !== switchProp && p.startsWith(family)) { delete values[p]; } }
  }
  for (const p of Object.keys(values)) { out[prefix + p] = values[p]; }
};
const snap = (el) => {
  const out = {};
  read(getComputedStyle(el), PROPS, '', out);
  read(getComputedStyle(el, '::before'), PROPS, '::before ', out);
  read(getComputedStyle(el, '::after'), PROPS, '::after ', out);
  if (el.parentElement) { read(getComputedStyle(el.parentElement), PARENT_PROPS, 'parent ', out); }
  return JSON.stringify(out);
};
// A transition on the focus style would be caught mid-way: jump to its end.
const settle = (el) => {
  for (const t of [el, el.parentElement]) {
    if (!t || !t.getAnimations) { continue; }
    for (const anim of t.getAnimations({subtree: t === el})) {
      try { anim.finish(); } catch (e) { /* infinite: leave it */ }
    }
  }
};
const de = document.documentElement;
// Focus inside another document (a frame, an object) or inside parts of a
// built-in control we cannot read (the summary of a details element without
// one, media controls) is not judged here.
const ELSEWHERE = ['iframe', 'frame', 'object', 'embed', 'details', 'video', 'audio'];
const deepActive = () => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) { a = a.shadowRoot.activeElement; }
  return a;
};
const pathOf = (el) => {
  const parts = [];
  for (let e = el; e;) {
    parts.unshift(cssPath(e));
    const root = e.getRootNode();
    e = root instanceof ShadowRoot ? root.host : null;
  }
  return parts.join(' >> ');
};
const st = {prev: null, seen: new Set(), order: [], frames: false, outside: 0, failures: [],
            finished: false, presses: 0};
// A focus indicator can be another element (a marker a focus handler shows):
// when anything outside the elements losing and gaining focus changed, this
// probe cannot tell, and says nothing about them.
st.records = [];
st.observer = new MutationObserver((records) => { st.records.push(...records); });
st.observer.observe(document, {attributes: true, childList: true, subtree: true,
                               characterData: true});
st.changedElsewhere = (...els) => {
  const records = st.records.concat(st.observer.takeRecords());
  st.records = [];
  return records.some((r) => !els.some((el) => el && (r.target === el || el.contains(r.target))));
};
st.release = () => {
  if (!st.prev) { return; }
  const {el, focused, unsure} = st.prev;
  st.prev = null;
  settle(el);
  if (!unsure && snap(el) === focused) { st.failures.push({target: pathOf(el), html: snippet(el)}); }
};
st.step = () => {
  if (st.finished) { return; }
  const a = deepActive();
  const cur = a && a !== document.body && a !== de ? a : null;
  const moved = st.changedElsewhere(cur, st.prev && st.prev.el);
  if (moved && st.prev) { st.prev.unsure = true; }
  if (st.prev && st.prev.el !== cur) { st.release(); }
  if (!cur) {
    st.outside += 1;
    st.finished = st.seen.size > 0 || st.outside >= 2;
    return;
  }
  if (ELSEWHERE.includes(cur.localName)) { st.frames = true; return; }
  if (st.seen.has(cur)) { st.finished = true; return; }  // wrapped around
  st.seen.add(cur);
  st.order.push(cur);
  settle(cur);
  // Judged only in the state a keyboard user sees: focused, :focus-visible, the
  // document having focus (a busy machine must never produce a failure).
  const shown = document.hasFocus() && cur.matches(':focus-visible');
  st.prev = {el: cur, focused: snap(cur), unsure: moved || !shown};
};
// The keydown of press n sees what press n - 1 left focused.
st.onKey = (e) => {
  if (e.key !== 'Tab' || window.__infopagesFocus !== st) { return; }
  st.presses += 1;
  if (st.presses > 1) { st.step(); }
};
"""

_SETUP_JS = RESET_JS + _STATE_JS + r"""
st.fingerprint = fingerprint();
if (window.__infopagesFocus) {
  window.removeEventListener('keydown', window.__infopagesFocus.onKey, true);
}
window.addEventListener('keydown', st.onKey, true);
window.__infopagesFocus = st;
"""

# Another cell of the same page: when nothing that decides the Tab order changed
# since the last traversal, visit the same elements by focusing them in that order
# (Chromium shows :focus-visible for focus() while the keyboard was used last),
# letting the page's own tasks run between two elements as between two key presses.
_REPLAY_JS = RESET_JS + _STATE_JS + r"""
const done = arguments[arguments.length - 1];
const last = window.__infopagesFocus;
if (!last || !last.finished || last.frames || last.fingerprint !== fingerprint() ||
    !last.order.every((el) => el.isConnected)) {
  done({replayed: false});
  return;
}
// Between two elements the page's own tasks run, as between two key presses: a
// message to ourselves, then a zero timer (after any the focus handlers set),
// which is not nested in a timer task and so not clamped to 4 ms.
const channel = new MessageChannel();
const pause = () => new Promise((r) => {
  channel.port1.onmessage = () => setTimeout(r, 0);
  channel.port2.postMessage(0);
});
(async () => {
  st.fingerprint = last.fingerprint;
  for (const el of last.order) {
    el.focus();
    await pause();
    if (deepActive() !== el) { st.observer.disconnect(); return {replayed: false}; }
    st.step();
  }
  const final = st.prev && st.prev.el;
  if (final && final.blur) { final.blur(); }
  if (st.prev && st.changedElsewhere(final)) { st.prev.unsure = true; }
  st.release();
  st.observer.disconnect();
  st.finished = true;
  window.__infopagesFocus = st;
  return {replayed: true, failures: st.failures, stops: st.seen.size};
})().then(done, (e) => done({replayed: false, error: String(e)}));
"""

_FINISHED_JS = "return window.__infopagesFocus.finished;"

_FINISH_JS = r"""
const st = window.__infopagesFocus;
window.removeEventListener('keydown', st.onKey, true);
st.step();  // the state the last press left
st.finished = true;
const last = st.prev && st.prev.el;
if (last && last.blur) { last.blur(); }
if (st.prev && st.changedElsewhere(last)) { st.prev.unsure = true; }
st.release();
st.observer.disconnect();
return {failures: st.failures, stops: st.seen.size};
"""


def focus_probe(driver: WebDriver, max_stops: int = 60, batch: int = BATCH,
                replay: bool = True) -> Finding | None:
    """Tab through the page (at most max_stops + 1 presses); elements whose look
    does not change when they receive keyboard focus fail.

    With `replay`, a cell whose Tab order cannot differ from the previous
    traversal's on this page focuses the same elements in one round trip.
    """
    found: Mapping[str, Any] = driver.execute_async_script(_REPLAY_JS) if replay else {}
    if not found.get("replayed"):
        found = _traverse(driver, max_stops, batch)
    return _finding(found.get("failures", ()))


def _traverse(driver: WebDriver, max_stops: int, batch: int) -> Mapping[str, Any]:
    driver.execute_script(_SETUP_JS)
    sent = 0
    while sent <= max_stops:
        count = min(max(1, batch), max_stops + 1 - sent)
        ActionChains(driver).send_keys(Keys.TAB * count).perform()
        sent += count
        if driver.execute_script(_FINISHED_JS):
            break
    return driver.execute_script(_FINISH_JS)


def _finding(failures: Sequence[Mapping[str, str]]) -> Finding | None:
    if not failures:
        return None
    summary = ("Fix this: nothing about the element's look changes when it receives keyboard "
               "focus (outline, box-shadow, border, background, colour, text decoration, "
               "::before/::after compared)")
    return Finding(
        rule_id=FOCUS_RULE, impact="serious", tags=("wcag2aa", "wcag247"),
        help="Keyboard focus must be visible",
        help_url=UNDERSTANDING + "focus-visible.html",
        description="Ensures every element reached with Tab shows a focus indicator",
        nodes=tuple(NodeRef((f["target"],), f["html"], summary) for f in failures),
        source="probe",
    )
