// The simulation webview panel: one panel, reused; restored after a reload by a serializer; the
// current step's C line highlighted in the editor. The view itself is simulator/src/webview.
import * as vscode from 'vscode';
import type { ViewPayload as SimulationPayload } from '../../simulator/src/webview/protocol';
import {
  isViewMessage,
  isViewState,
  type HostMessage,
  type ViewMessage,
} from '../../simulator/src/webview/protocol';
import { makeNonce, simulationHtml } from './webview/html';
import { presetChoices, rerunPayload } from './webview/rerun';

export const SIMULATION_VIEW_TYPE = 'flushguard.simulation';
/** workspaceState key of the preset last picked in the view (per workspace, as issue 6 asks). */
export const PRESET_STATE_KEY = 'flushguard.simulation.preset';

/** Timeline position meaning "the last step": a new simulation opens on its deciding check. */
const LAST_STEP = Number.MAX_SAFE_INTEGER;

export interface SimulationHandlers {
  /** The same simulation on another preset (the client asks the language server). */
  requestPreset: (preset: string) => Promise<SimulationPayload>;
  /** Reveal a 1-based line of the simulated document (a step's C line). */
  revealLine: (line: number) => void;
}

/** The preset the user last picked in this workspace, if any. */
export function savedPreset(context: vscode.ExtensionContext): string | undefined {
  return context.workspaceState.get<string>(PRESET_STATE_KEY);
}

let stepDecoration: vscode.TextEditorDecorationType | undefined;
function decoration(): vscode.TextEditorDecorationType {
  stepDecoration ??= vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Full,
  });
  return stepDecoration;
}

/** The editor's document the payload came from: the active one when its path ends with it. */
function documentFor(payload: SimulationPayload): vscode.Uri | undefined {
  const file = payload.source.file.replace(/\\/g, '/');
  const editors = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors];
  for (const e of editors) {
    if (!e) continue;
    const path = e.document.uri.path;
    if (path === file || path.endsWith(`/${file}`)) return e.document.uri;
  }
  return undefined;
}

class SimulationPanel {
  private payload: SimulationPayload | undefined;
  private position = LAST_STEP;
  private highlighted: vscode.Uri | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private handlers: SimulationHandlers,
    private link: vscode.Uri | undefined,
  ) {
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'images', 'icon.png');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (isViewMessage(m)) this.onMessage(m);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get shown(): SimulationPayload | undefined {
    return this.payload;
  }

  render(title: string): void {
    const script = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview.js');
    this.panel.webview.html = simulationHtml({
      cspSource: this.panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: this.panel.webview.asWebviewUri(script).toString(),
      title,
    });
  }

  show(
    payload: SimulationPayload,
    handlers: SimulationHandlers,
    link: vscode.Uri | undefined,
    position = LAST_STEP,
  ): void {
    this.payload = payload;
    this.handlers = handlers;
    this.link = link ?? this.link;
    this.position = position;
    this.panel.title = `Simulate: ${payload.source.file.split(/[\\/]/).pop() ?? ''}:${payload.source.line}`;
    this.post({ type: 'show', payload, presets: presetChoices(), position, ...this.linkField() });
  }

  private linkField(): { link?: string } {
    return this.link ? { link: this.link.toString() } : {};
  }

  private post(m: HostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private onMessage(m: ViewMessage): void {
    switch (m.type) {
      case 'ready':
        if (this.payload) this.show(this.payload, this.handlers, this.link, this.position);
        return;
      case 'reveal':
        this.reveal(m.line);
        return;
      case 'step':
        this.position = m.position;
        this.highlight(m.line);
        return;
      case 'preset':
        void this.switchPreset(m.preset);
        return;
    }
  }

  async switchPreset(preset: string): Promise<void> {
    this.post({ type: 'busy', preset });
    try {
      const next = await this.handlers.requestPreset(preset);
      await this.context.workspaceState.update(PRESET_STATE_KEY, next.preset);
      this.show(next, this.handlers, this.link);
    } catch (e) {
      this.post({ type: 'error', message: `Could not simulate on ${preset}: ${errorText(e)}` });
    }
  }

  /**
   * Reveals a step's line where the document is already shown (beside the panel, not over it);
   * otherwise the caller's handler opens it.
   */
  private reveal(line: number): void {
    const uri = this.link?.toString();
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
    if (!editor) return this.handlers.revealLine(line);
    const pos = new vscode.Position(
      Math.min(Math.max(0, line - 1), editor.document.lineCount - 1),
      0,
    );
    void vscode.window.showTextDocument(editor.document, {
      viewColumn: editor.viewColumn ?? vscode.ViewColumn.One,
      selection: new vscode.Range(pos, pos),
      preserveFocus: false,
    });
  }

  /** Highlights the current step's line in every editor showing the simulated document. */
  private highlight(line: number | null): void {
    const uri = this.link;
    if (!uri) return;
    this.highlighted = uri;
    for (const e of vscode.window.visibleTextEditors) {
      if (e.document.uri.toString() !== uri.toString()) continue;
      const ranges =
        line !== null && line <= e.document.lineCount ? [e.document.lineAt(line - 1).range] : [];
      e.setDecorations(decoration(), ranges);
    }
  }

  dispose(): void {
    if (this.highlighted) this.highlight(null);
    if (current === this) current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

let current: SimulationPanel | undefined;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Opens `link` (when known) and reveals a 1-based line: what a restored panel can still do. */
function revealIn(link: vscode.Uri | undefined): (line: number) => void {
  return (line) => {
    if (!link) return;
    const pos = new vscode.Position(Math.max(0, line - 1), 0);
    void vscode.window.showTextDocument(link, {
      selection: new vscode.Range(pos, pos),
      viewColumn: vscode.ViewColumn.One,
      preserveFocus: false,
    });
  };
}

/** Handlers that need no language server: re-run the payload's scenario text locally. */
export function localHandlers(
  getPayload: () => SimulationPayload | undefined,
  link: vscode.Uri | undefined,
): SimulationHandlers {
  return {
    requestPreset: (preset) => {
      const p = getPayload();
      if (!p) return Promise.reject(new Error('nothing to re-run'));
      try {
        return Promise.resolve(rerunPayload(p, preset));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    revealLine: revealIn(link),
  };
}

/**
 * Shows a simulation in the panel (created beside the editor, or reused). When the user picked a
 * preset in this workspace before and the payload is on another one, the view asks for it.
 */
export function showSimulation(
  context: vscode.ExtensionContext,
  payload: SimulationPayload,
  handlers: SimulationHandlers,
  documentUri?: vscode.Uri,
): void {
  const link = documentUri ?? documentFor(payload);
  if (!current) {
    const panel = vscode.window.createWebviewPanel(
      SIMULATION_VIEW_TYPE,
      'FlushGuard simulation',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
      },
    );
    current = new SimulationPanel(panel, context, handlers, link);
    current.render(`Simulation: ${payload.source.file}:${payload.source.line}`);
  } else {
    current.panel.reveal(vscode.ViewColumn.Beside, true);
  }
  current.show(payload, handlers, link);
  const saved = savedPreset(context);
  if (saved !== undefined && saved !== payload.preset) void current.switchPreset(saved);
}

/** Restores the panel after a window reload, from the state the webview saved. */
export function registerSimulationSerializer(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(SIMULATION_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      if (!isViewState(state)) {
        panel.dispose();
        return Promise.resolve();
      }
      const link = state.link !== undefined ? vscode.Uri.parse(state.link, true) : undefined;
      current?.panel.dispose();
      const restored = new SimulationPanel(
        panel,
        context,
        localHandlers(() => undefined, link),
        link,
      );
      current = restored;
      const payload = state.payload;
      restored.render(`Simulation: ${payload.source.file}:${payload.source.line}`);
      restored.show(
        payload,
        localHandlers(() => restored.shown, link),
        link,
        state.position,
      );
      return Promise.resolve();
    },
  });
}
