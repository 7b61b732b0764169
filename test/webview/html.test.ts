import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  contentSecurityPolicy,
  escapeHtml,
  makeNonce,
  simulationHtml,
} from '../../client/src/webview/html';
import { HOSTILE } from './payloads';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function html(title: string, nonce = makeNonce()): string {
  return simulationHtml({
    cspSource: CSP_SOURCE,
    nonce,
    scriptUri: `${CSP_SOURCE}/ext/dist/webview.js`,
    title,
  });
}

test('the CSP denies everything by default and allows scripts and styles only by nonce', () => {
  const csp = contentSecurityPolicy(CSP_SOURCE, 'abcdefghijklmnopqrstuv==');
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'nonce-abcdefghijklmnopqrstuv=='"]);
  assert.deepEqual(directives.get('style-src'), ["'nonce-abcdefghijklmnopqrstuv=='"]);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test('nonces are 128 random bits and never repeat', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const n = makeNonce();
    assert.equal(Buffer.from(n, 'base64').length, 16);
    seen.add(n);
  }
  assert.equal(seen.size, 200);
});

test('the page has one script, loaded from the bundle with the nonce, and no inline handlers', () => {
  const nonce = makeNonce();
  const page = html('Simulation: demo.c:12', nonce);
  const scripts = [...page.matchAll(/<script\b([^>]*)>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]?.[1] ?? '', new RegExp(`nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`));
  assert.match(
    scripts[0]?.[1] ?? '',
    /src="https:\/\/file\+\.vscode-resource[^"]*\/dist\/webview\.js"/,
  );
  assert.doesNotMatch(page, /\son[a-z]+\s*=/i);
  assert.match(
    page,
    /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/,
  );
});

test('hostile file names and messages in the title come out escaped', () => {
  for (const evil of HOSTILE) {
    const page = html(`Simulation: ${evil}.c:3`);
    assert.doesNotMatch(page, /<img|<svg|<script>alert|onerror=alert\(1\)>/i, evil);
    assert.equal([...page.matchAll(/<script\b/g)].length, 1, evil);
    assert.ok(page.includes(escapeHtml(evil)), evil);
  }
  assert.equal(
    escapeHtml(`</script><img src=x onerror="a('1')">&`),
    '&lt;/script&gt;&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt;&amp;',
  );
});

test('a nonce that is not base64 is refused rather than written into the policy', () => {
  assert.throws(() => html('x', `abc' 'unsafe-inline`), /bad nonce/);
});
