// Start the real AT Protocol servers for bedside's Bluesky tests, on loopback only.
//
//   node launch.mjs pds        @atproto/pds + @did-plc/server (in-memory DID directory), no AppView
//   node launch.mjs network    @atproto/dev-env TestNetwork: PDS + AppView (bsky) + DID directory,
//                              the AppView on PostgreSQL (DB_POSTGRES_URL, DB_POSTGRES_SCHEMA)
//
// Packages come from BEDSIDE_PEER_MODULES (the node_modules that install.sh filled). When every
// server listens, one JSON line goes to stdout: {"pds": url, "plc": url, "appview": url|null}.
// SIGTERM or SIGINT stops them and exits 0; a failure to start prints the error and exits 1.
// Data lives under TMPDIR (the caller gives a fresh folder and removes it).
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// Neither PDS.start() nor PlcServer.start() (nor dev-env's services) take a host: they call
// listen(port), which binds every interface. Force loopback for every server in this process.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && args[0].path === undefined) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};

const modules = process.env.BEDSIDE_PEER_MODULES;
if (!modules) fail(new Error('BEDSIDE_PEER_MODULES is not set'));
const require = createRequire(path.join(modules, 'noop.js'));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);

function fail(err) {
  process.stderr.write(`bluesky peer failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const hex32 = () => crypto.randomBytes(32).toString('hex');

async function startPds() {
  const plcServer = await load('@did-plc/server');
  const { PDS, readEnv } = await load('@atproto/pds');
  const plcPort = await freePort();
  const plc = plcServer.PlcServer.create({ db: plcServer.Database.mock(), port: plcPort });
  await plc.start();
  const port = await freePort();
  const tmp = process.env.TMPDIR;
  Object.assign(process.env, {
    PDS_HOSTNAME: 'localhost',
    PDS_PORT: String(port),
    PDS_DATA_DIRECTORY: path.join(tmp, 'pds'),
    PDS_BLOBSTORE_DISK_LOCATION: path.join(tmp, 'pds', 'blobs'),
    // A host name, not 127.0.0.1: the DID resolver refuses IP hosts.
    PDS_DID_PLC_URL: `http://localhost:${plcPort}`,
    PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: hex32(),
    PDS_JWT_SECRET: hex32(),
    PDS_DPOP_SECRET: hex32(),
    PDS_ADMIN_PASSWORD: hex32(),
    PDS_INVITE_REQUIRED: 'false',
    PDS_DEV_MODE: 'true',
    PDS_ENABLE_DID_DOC_WITH_SESSION: 'true',
    // The real limits (in memory), so a test can meet a real 429 from createSession.
    PDS_RATE_LIMITS_ENABLED: 'true',
  });
  const fs = await import('node:fs/promises');
  await fs.mkdir(process.env.PDS_BLOBSTORE_DISK_LOCATION, { recursive: true });
  const pds = await PDS.fromEnv(readEnv());
  await pds.start();
  return {
    urls: { pds: `http://localhost:${port}`, plc: `http://localhost:${plcPort}`, appview: null },
    stop: async () => {
      await pds.destroy();
      await plc.destroy();
    },
  };
}

async function startNetwork() {
  const { TestNetwork } = await load('@atproto/dev-env');
  const network = await TestNetwork.create({
    dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA,
    pds: { port: await freePort() },
  });
  return {
    urls: { pds: network.pds.url, plc: network.plc.url, appview: network.bsky.url },
    stop: () => network.close(),
  };
}

const mode = process.argv[2];
const starters = { pds: startPds, network: startNetwork };
if (!starters[mode]) fail(new Error(`usage: launch.mjs pds|network (got ${mode})`));

let running;
try {
  running = await starters[mode]();
} catch (err) {
  fail(err);
}
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await running.stop();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdout.write(`${JSON.stringify(running.urls)}\n`);
