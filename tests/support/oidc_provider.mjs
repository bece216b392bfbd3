// A real OpenID Connect provider for the single sign-on tests: `oidc-provider` from npm (its
// folder of node_modules in OIDC_PROVIDER_MODULES), on 127.0.0.1 at a free port, with one
// confidential client (OIDC_CLIENT: JSON of client_id, client_secret, redirect_uris) and the
// accounts in OIDC_ACCOUNTS (JSON: sub -> { email, email_verified, name }).
//
// What a person does at the provider's login page is played by the test: POST /test/login with
// { "sub": ... } chooses who signs in at the next interaction (login_hint, when the relying
// party sends one, picks the account by e-mail instead). POST /test/tamper with { "mode": ... }
// makes the next token answer carry a forged ID token: "iss", "aud", "exp", "nonce" change that
// claim and sign again with the provider's key; "key" signs with another key under the same kid;
// "none" sends an unsigned token.
//
// Prints one line, {"issuer": ...}, once it listens; stops on SIGTERM or when stdin closes.
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.OIDC_PROVIDER_MODULES;
const load = (name, file) => import(pathToFileURL(path.join(modules, name, file)).href);
const { default: Provider } = await load('oidc-provider', 'lib/index.js');
const jose = await import(pathToFileURL(path.join(modules, 'jose', 'dist', 'webapi', 'index.js')).href);

const client = JSON.parse(process.env.OIDC_CLIENT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);

const signing = await jose.generateKeyPair('RS256', { extractable: true });
const privateJwk = { ...(await jose.exportJWK(signing.privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

let nextLogin = Object.keys(accounts)[0];
let tamper = null;

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    ...client,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [privateJwk] },
  pkce: { required: () => true },
  // Strict, as the specification has it: the e-mail is in the ID token only if OIDC_EMAIL_IN_ID_TOKEN
  // is set, otherwise the relying party asks the userinfo endpoint for it.
  conformIdTokenClaims: !process.env.OIDC_EMAIL_IN_ID_TOKEN,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['portico-test-cookie-key'] },
  ttl: { AccessToken: 3600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600 },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account }; } };
  },
});
provider.proxy = false;

// The forged answers of /test/tamper, made after the provider wrote its own.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !tamper || !ctx.body || !ctx.body.id_token) return;
  const mode = tamper;
  tamper = null;
  const claims = jose.decodeJwt(ctx.body.id_token);
  const now = Math.floor(Date.now() / 1000);
  const changed = {
    iss: { iss: 'http://127.0.0.1:1/another-issuer' },
    aud: { aud: 'another-client' },
    exp: { iat: now - 7200, exp: now - 3600 },
    nonce: { nonce: 'another-sign-in' },
  }[mode] || {};
  const forged = { ...claims, ...changed };
  if (mode === 'none') {
    const unsigned = new jose.UnsecuredJWT(forged).encode();
    ctx.body = { ...ctx.body, id_token: unsigned };
    return;
  }
  const key = mode === 'key' ? (await jose.generateKeyPair('RS256')).privateKey : await jose.importJWK(privateJwk, 'RS256');
  const token = await new jose.SignJWT(forged).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key);
  ctx.body = { ...ctx.body, id_token: token };
});

async function readJson(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body ? JSON.parse(body) : {};
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (req.method === 'POST' && url.pathname === '/test/login') {
      nextLogin = (await readJson(req)).sub;
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/test/tamper') {
      tamper = (await readJson(req)).mode;
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        const hint = details.params.login_hint;
        const byHint = hint && Object.keys(accounts).find((sub) => accounts[sub].email === hint);
        const accountId = byHint || nextLogin;
        await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      grant.addOIDCScope('openid email profile');
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    callback(req, res);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error && error.stack || error));
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
