/**
 * The LanguageClient: the bundled server (dist/server.js) over Node IPC, C files and headers,
 * `.flushguard.json` watched, and `workspace/configuration` answered with the explicit settings
 * only (settings.ts).
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { explicitSettings, settingKeys } from './settings';

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const manifest = context.extension.packageJSON as {
    contributes?: { configuration?: { properties?: Record<string, unknown> } };
  };
  const keys = settingKeys(manifest.contributes?.configuration?.properties);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'c' },
      // VS Code gives .h files the C++ language id; kernel headers are C.
      { scheme: 'file', language: 'cpp', pattern: '**/*.h' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/.flushguard.json') },
    // The extension registers flushguard.simulate/checkWorkspace itself (webview, progress UI).
    initializationOptions: { clientSideCommands: true },
    middleware: {
      workspace: {
        configuration: (params, token, next) => {
          if (!params.items.some((i) => i.section === 'flushguard')) return next(params, token);
          return params.items.map((item) => {
            if (item.section !== 'flushguard') return null;
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            const config = vscode.workspace.getConfiguration('flushguard', scope);
            return explicitSettings(keys, (key) => config.inspect(key));
          });
        },
      },
    },
  };
  return new LanguageClient('flushguard', 'FlushGuard', serverOptions, clientOptions);
}
