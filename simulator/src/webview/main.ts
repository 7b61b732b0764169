/// <reference lib="dom" />
// Browser side of the simulation view: receives the payload, renders view.ts's tree, and turns
// clicks and keys into timeline moves and messages to the extension host. No inline handlers
// (the CSP forbids them): one delegated listener per event type.
import {
  isHostMessage,
  isViewState,
  type PresetChoice,
  type ViewMessage,
  type ViewPayload,
  type ViewState,
} from './protocol';
import { clampPosition, prepare, render, type Prepared } from './view';
import { mount } from './vnode';

interface VsCodeApi {
  postMessage(message: ViewMessage): void;
  getState(): unknown;
  setState(state: ViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const PLAY_INTERVAL_MS = 900;

const vscode = acquireVsCodeApi();
const root = document.getElementById('fg-app');

interface Current {
  payload: ViewPayload;
  presets: PresetChoice[];
  position: number;
  prep: Prepared;
  link?: string;
  busy?: string;
  error?: string;
}
let current: Current | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

function draw(): void {
  if (!root || !current) return;
  const focused = document.activeElement?.id;
  const tree = render({ ...current, playing: timer !== undefined }, current.prep);
  root.replaceChildren(mount(document, tree));
  if (focused) document.getElementById(focused)?.focus();
  keepRowVisible(current.position);
}

/** Scrolls the timeline list (only the list, not the page) so the current row is in view. */
function keepRowVisible(position: number): void {
  const list = document.getElementById('fg-steps');
  const row = document.getElementById(`fg-row-${position}`);
  if (!list || !row) return;
  const top = row.offsetTop - list.offsetTop;
  list.scrollTop = Math.max(0, top - list.clientHeight / 2);
}

function show(
  payload: ViewPayload,
  presets: PresetChoice[],
  position: number,
  link: string | undefined,
): void {
  const prep = prepare(payload);
  current = { payload, presets, position: clampPosition(position, prep.rows), prep };
  if (link !== undefined) current.link = link;
  moved();
}

/** After any change of position: persist, tell the host which C line to highlight, redraw. */
function moved(): void {
  if (!current) return;
  vscode.setState({
    payload: current.payload,
    presets: current.presets,
    position: current.position,
  });
  vscode.postMessage({
    type: 'step',
    line: lineAtOrBefore(current.position),
    position: current.position,
  });
  draw();
}

/** The C line of the current step, else of the nearest earlier step that has one. */
function lineAtOrBefore(position: number): number | null {
  for (let r = position; r >= 0 && current; r--) {
    const line = current.prep.rows[r]?.cLine;
    if (line !== undefined) return line;
  }
  return null;
}

function goTo(position: number): void {
  if (!current) return;
  const next = clampPosition(position, current.prep.rows);
  if (next === current.position) return;
  current.position = next;
  moved();
}

function stop(): void {
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
}

function togglePlay(): void {
  if (!current) return;
  if (timer !== undefined) {
    stop();
    draw();
    return;
  }
  if (current.position >= current.prep.rows.length - 1) current.position = 0;
  timer = setInterval(() => {
    if (!current || current.position >= current.prep.rows.length - 1) {
      stop();
      draw();
      return;
    }
    goTo(current.position + 1);
  }, PLAY_INTERVAL_MS);
  moved();
}

function act(action: string, el: HTMLElement): void {
  if (!current) return;
  switch (action) {
    case 'first':
      stop();
      goTo(0);
      return;
    case 'back':
      stop();
      goTo(current.position - 1);
      return;
    case 'step':
      stop();
      goTo(current.position + 1);
      return;
    case 'play':
      togglePlay();
      return;
    case 'goto': {
      stop();
      goTo(Number(el.dataset.row));
      const line = Number(el.dataset.line);
      if (Number.isInteger(line) && line >= 1) vscode.postMessage({ type: 'reveal', line });
      return;
    }
  }
}

document.addEventListener('click', (e) => {
  const el = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-action]') : null;
  if (el?.dataset.action) act(el.dataset.action, el);
});

document.addEventListener('change', (e) => {
  const el = e.target;
  if (!(el instanceof HTMLSelectElement) || el.id !== 'fg-preset' || !current) return;
  stop();
  current.busy = el.value;
  delete current.error;
  vscode.postMessage({ type: 'preset', preset: el.value });
  draw();
});

document.addEventListener('keydown', (e) => {
  if (!current || e.altKey || e.ctrlKey || e.metaKey) return;
  const t = e.target;
  if (t instanceof HTMLSelectElement) return;
  const inList = t instanceof HTMLElement && t.id === 'fg-steps';
  const keys: Record<string, () => void> = {
    ArrowRight: () => act('step', document.body),
    ArrowLeft: () => act('back', document.body),
    Home: () => act('first', document.body),
    End: () => goTo(current ? current.prep.rows.length - 1 : 0),
  };
  if (inList) {
    keys.ArrowDown = keys.ArrowRight!;
    keys.ArrowUp = keys.ArrowLeft!;
    keys.Enter = () => {
      const line = current?.prep.rows[current.position]?.cLine;
      if (line !== undefined) vscode.postMessage({ type: 'reveal', line });
    };
  }
  if (!(t instanceof HTMLButtonElement) && (e.key === ' ' || e.key === 'Spacebar'))
    keys[e.key] = togglePlay;
  const f = keys[e.key];
  if (f) {
    e.preventDefault();
    f();
  }
});

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data;
  if (!isHostMessage(m)) return;
  switch (m.type) {
    case 'show':
      stop();
      show(m.payload, m.presets, m.position, m.link);
      return;
    case 'busy':
      if (current) {
        current.busy = m.preset;
        draw();
      }
      return;
    case 'error':
      if (current) {
        delete current.busy;
        current.error = m.message;
        draw();
      } else if (root) {
        const p = document.createElement('p');
        p.setAttribute('role', 'alert');
        p.textContent = m.message;
        root.replaceChildren(p);
      }
      return;
  }
});

const saved = vscode.getState();
if (isViewState(saved)) show(saved.payload, saved.presets, saved.position, saved.link);
vscode.postMessage({ type: 'ready' });
