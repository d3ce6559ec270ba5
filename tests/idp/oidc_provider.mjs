// A real OpenID Provider for the SSO tests (the `oidc-provider` package), on 127.0.0.1.
//
// Started by tests/idp/oidc.py with one JSON argument: {"clients": [...], "accounts": {...}}.
// Prints one JSON line {"issuer": ...} once it listens, then serves until killed.
//
// Beside the standard endpoints (discovery, authorization with PKCE, token, userinfo,
// JWKS, end_session with back-channel logout) it has a sign-in page (/interaction/<uid>,
// a form asking for a login, like a company's page) and, for the tests only:
//   POST /_test/accounts      {"<sub>": {claims...}}: add or change accounts
//   POST /_test/misbehave     {"mode": "wrong-audience"|"expired"|"bad-signature"|"wrong-nonce"}:
//                             the next ID token issued is broken that way (re-signed)
//   POST /_test/logout-token  {claims}: a logout token signed with the provider's key
import http from 'node:http';
import { randomUUID } from 'node:crypto';

import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';

const config = JSON.parse(process.argv[2] || '{}');
const accounts = { ...(config.accounts || {}) };
let misbehave = null;

const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
const { privateKey: otherKey } = await generateKeyPair('RS256', { extractable: true });
const kid = 'test-key-1';
const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
void publicKey;

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients || [],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomUUID()] },
    claims: {
      openid: ['sub'],
      sid: null,
      email: ['email', 'email_verified'],
      profile: ['given_name', 'family_name', 'name'],
      company: ['job_title', 'department', 'site', 'employee_number', 'employee_type',
        'account_enabled', 'amr', 'acr'],
    },
    conformIdTokenClaims: false,
    acrValues: ['urn:acme:mfa', 'urn:acme:pwd'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      if (!accounts[sub]) return undefined;
      return {
        accountId: sub,
        async claims() { return { sub, ...accounts[sub] }; },
      };
    },
    // The tests' relying party is on 127.0.0.1 too: no SSRF guard against loopback here.
    fetch: (url, options) => {
      const { dispatcher, ...rest } = options;
      void dispatcher;
      return globalThis.fetch(url, rest);
    },
  });
  provider.proxy = false;

  // The next ID token, broken on demand (a misbehaving or forged provider).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || !misbehave || !ctx.body || !ctx.body.id_token) return;
    const mode = misbehave;
    misbehave = null;
    const claims = decodeJwt(ctx.body.id_token);
    let key = privateKey;
    if (mode === 'wrong-audience') claims.aud = 'someone-else';
    else if (mode === 'expired') { claims.iat -= 7200; claims.exp = claims.iat + 600; }
    else if (mode === 'wrong-nonce') claims.nonce = 'not-the-nonce-that-was-sent';
    else if (mode === 'bad-signature') key = otherKey;
    ctx.body = {
      ...ctx.body,
      id_token: await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key),
    };
  });

  const callback = provider.callback();
  server.on('request', async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      if (url.pathname.startsWith('/interaction/')) {
        const details = await provider.interactionDetails(req, res);
        if (req.method === 'GET') {
          send(res, 200, `<!DOCTYPE html><html><head><title>Company sign-in</title></head><body>
<h1>Company sign-in</h1>
<form method="post" action="/interaction/${escapeHtml(details.uid)}">
<label>Login <input name="login" autofocus></label>
<button type="submit">Sign in</button></form></body></html>`, 'text/html');
          return;
        }
        const form = new URLSearchParams(await readBody(req));
        const sub = form.get('login');
        if (!accounts[sub]) {
          send(res, 200, '<p>Unknown login</p>', 'text/html');
          return;
        }
        const account = accounts[sub];
        const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
        grant.addOIDCScope(details.params.scope);
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, {
          login: { accountId: sub, amr: account._amr || ['pwd'], acr: account._acr },
          consent: { grantId },
        }, { mergeWithLastSubmission: false });
        return;
      }
      if (url.pathname === '/_test/accounts' && req.method === 'POST') {
        Object.assign(accounts, JSON.parse(await readBody(req)));
        send(res, 200, { accounts: Object.keys(accounts) });
        return;
      }
      if (url.pathname === '/_test/misbehave' && req.method === 'POST') {
        misbehave = JSON.parse(await readBody(req)).mode;
        send(res, 200, { mode: misbehave });
        return;
      }
      if (url.pathname === '/_test/logout-token' && req.method === 'POST') {
        const { _key: which, ...claims } = JSON.parse(await readBody(req));
        const now = Math.floor(Date.now() / 1000);
        const token = await new SignJWT({
          iss: issuer,
          iat: now,
          exp: now + 120,
          jti: randomUUID(),
          events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
          ...claims,
        }).setProtectedHeader({ alg: 'RS256', kid, typ: 'logout+jwt' })
          .sign(which === 'other' ? otherKey : privateKey);
        send(res, 200, { logout_token: token });
        return;
      }
      callback(req, res);
    } catch (err) {
      send(res, 500, { error: String(err && err.message) });
    }
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
