// A configurable js-libp2p peer driven over stdin/stdout with newline-delimited JSON.
// See README.md for the options and the exact command and reply shapes.
//
// stdout carries ONLY protocol lines (the "listening" event, then one reply per command);
// every log line goes to stderr.
import './polyfill.js'
import { createInterface } from 'node:readline'
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair, privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { echo } from '@libp2p/echo'
import { identify, identifyPush } from '@libp2p/identify'
import { kadDHT, passthroughMapper, EventTypes } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { plaintext } from '@libp2p/plaintext'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import * as raw from 'multiformats/codecs/raw'
import { PERF_PROTOCOL, perfClient, perfHandler, toBytes } from './perf.mjs'

const ECHO_PROTOCOL = '/echo/1.0.0'
const DEFAULT_TIMEOUT_MS = 60_000
const AGENT_VERSION = 'gridoverlay-interop-js/0.1.0'

function log (...args) {
  console.error(`[peer ${new Date().toISOString()}]`, ...args)
}

function parseOptions () {
  const env = process.env
  const { values } = parseArgs({
    options: {
      listen: { type: 'string', multiple: true },
      noise: { type: 'boolean' },
      plaintext: { type: 'boolean' },
      dht: { type: 'boolean' },
      'dht-protocol': { type: 'string' },
      'dht-namespaces': { type: 'string' },
      bootstrap: { type: 'string', multiple: true },
      'key-hex': { type: 'string' },
      'max-inbound-streams': { type: 'string' },
      help: { type: 'boolean' }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help) {
    console.error('usage: node peer.mjs [--listen MA]... [--noise|--plaintext] [--dht] [--dht-protocol P]\n' +
      '                      [--dht-namespaces ns1,ns2] [--bootstrap MA]... [--key-hex HEX]\n' +
      '                      [--max-inbound-streams N]\n' +
      'env fallbacks: INTEROP_LISTEN, INTEROP_SECURITY=noise|plaintext, INTEROP_DHT=1, INTEROP_DHT_PROTOCOL,\n' +
      '               INTEROP_DHT_NAMESPACES, INTEROP_BOOTSTRAP (comma separated), INTEROP_KEY_HEX,\n' +
      '               INTEROP_MAX_INBOUND_STREAMS')
    process.exit(0)
  }
  if (values.noise && values.plaintext) {
    throw new Error('choose one of --noise and --plaintext')
  }
  const splitList = (s) => (s ?? '').split(',').map(x => x.trim()).filter(x => x.length > 0)
  let security = values.plaintext ? 'plaintext' : values.noise ? 'noise' : (env.INTEROP_SECURITY ?? 'noise')
  if (security !== 'noise' && security !== 'plaintext') {
    throw new Error(`INTEROP_SECURITY must be noise or plaintext, got ${security}`)
  }
  return {
    listen: values.listen ?? (env.INTEROP_LISTEN != null ? splitList(env.INTEROP_LISTEN) : ['/ip4/127.0.0.1/tcp/0']),
    security,
    dht: values.dht ?? (env.INTEROP_DHT === '1' || env.INTEROP_DHT === 'true'),
    dhtProtocol: values['dht-protocol'] ?? env.INTEROP_DHT_PROTOCOL ?? '/ipfs/kad/1.0.0',
    dhtNamespaces: splitList(values['dht-namespaces'] ?? env.INTEROP_DHT_NAMESPACES ?? 'test,grid'),
    bootstrap: values.bootstrap ?? splitList(env.INTEROP_BOOTSTRAP),
    keyHex: values['key-hex'] ?? env.INTEROP_KEY_HEX,
    maxInboundStreams: parseCount(values['max-inbound-streams'] ?? env.INTEROP_MAX_INBOUND_STREAMS,
      '--max-inbound-streams')
  }
}

function parseCount (text, what) {
  if (text == null) return undefined
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${text}`)
  return n
}

function hexToBytes (hex, what) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error(`${what} must be an even-length hex string`)
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

const bytesToHex = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

async function main () {
  const opts = parseOptions()
  const privateKey = opts.keyHex != null
    ? privateKeyFromProtobuf(hexToBytes(opts.keyHex, '--key-hex'))
    : await generateKeyPair('Ed25519')

  const services = {
    identify: identify({ timeout: 30_000 }),
    identifyPush: identifyPush(),
    ping: ping({ maxInboundStreams: 256, maxOutboundStreams: 256 }),
    echo: echo({ timeout: 600_000, maxInboundStreams: 4096, maxOutboundStreams: 4096 })
  }
  if (opts.dht) {
    // kad-dht 16 is a single DHT (no LAN/WAN split). Its default peerInfoMapper drops private and
    // loopback addresses, which would leave every peer of a loopback test network address-less:
    // passthroughMapper keeps them. clientMode false = answer DHT requests from the start.
    const validators = {}
    const selectors = {}
    for (const ns of opts.dhtNamespaces) {
      validators[ns] = async () => {} // accept any value in the test namespaces
      selectors[ns] = () => 0 // first record wins
    }
    services.dht = kadDHT({
      protocol: opts.dhtProtocol,
      clientMode: false,
      peerInfoMapper: passthroughMapper,
      allowQueryWithZeroPeers: true,
      validators,
      selectors
    })
  }

  const node = await createLibp2p({
    privateKey,
    addresses: { listen: opts.listen },
    transports: [tcp()],
    connectionEncrypters: [opts.security === 'noise' ? noise() : plaintext()],
    // maxInboundStreams: the Yamux limit; a SYN beyond it is reset before it is acknowledged
    streamMuxers: [yamux(opts.maxInboundStreams != null ? { maxInboundStreams: opts.maxInboundStreams } : {})],
    nodeInfo: { userAgent: AGENT_VERSION },
    connectionManager: {
      maxConnections: 10_000,
      // js-libp2p refuses more than 5 inbound connections per second per host by default
      inboundConnectionThreshold: 100_000,
      maxIncomingPendingConnections: 1_000,
      maxParallelDials: 100
    },
    services
  })

  await node.handle(PERF_PROTOCOL, perfHandler({ log }), {
    maxInboundStreams: 1024,
    maxOutboundStreams: 1024
  })

  for (const addr of opts.bootstrap) {
    try {
      const conn = await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS) })
      log(`bootstrap: connected to ${conn.remotePeer} via ${addr}`)
    } catch (err) {
      log(`bootstrap: dial ${addr} failed: ${err.message}`)
    }
  }

  const write = (obj) => { process.stdout.write(JSON.stringify(obj) + '\n') }

  write({
    event: 'listening',
    peerId: node.peerId.toString(),
    addrs: node.getMultiaddrs().map(a => a.toString())
  })
  log(`listening as ${node.peerId} security=${opts.security} dht=${opts.dht ? opts.dhtProtocol : 'off'}`)

  let stopping = false
  const shutdown = async (code) => {
    if (stopping) return
    stopping = true
    try {
      await node.stop()
    } catch (err) {
      log(`stop failed: ${err.message}`)
    }
    // let stdout drain before exiting
    process.stdout.write('', () => process.exit(code))
  }

  const commands = makeCommands(node, opts, () => shutdown(0))

  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false })
  rl.on('line', (line) => {
    if (line.trim() === '') return
    let cmd
    try {
      cmd = JSON.parse(line)
    } catch (err) {
      write({ id: null, ok: false, error: `bad JSON: ${err.message}` })
      return
    }
    const id = cmd?.id ?? null
    const handler = commands[cmd?.cmd]
    if (handler == null) {
      write({ id, ok: false, error: `unknown cmd: ${JSON.stringify(cmd?.cmd)}` })
      return
    }
    const timeoutMs = Number.isFinite(cmd.timeoutMs) ? cmd.timeoutMs : DEFAULT_TIMEOUT_MS
    const signal = AbortSignal.timeout(timeoutMs)
    Promise.resolve()
      .then(() => handler(cmd, signal))
      .then((result) => write({ id, ok: true, ...result }))
      .catch((err) => {
        log(`cmd ${cmd.cmd} (id ${id}) failed:`, err)
        write({ id, ok: false, error: `${err.name ?? 'Error'}: ${err.message}` })
      })
  })
  // stdin closed: the driving process is gone or done, so stop as well
  rl.on('close', () => { shutdown(0) })
  process.on('SIGTERM', () => { shutdown(0) })
  process.on('SIGINT', () => { shutdown(0) })
}

function requireDht (node) {
  const dht = node.services.dht
  if (dht == null) throw new Error('DHT is not enabled (start the peer with --dht)')
  return dht
}

function addrArg (cmd) {
  if (typeof cmd.addr !== 'string') throw new Error('missing string field "addr"')
  return multiaddr(cmd.addr)
}

function peerIdArg (cmd, field = 'peerId') {
  if (typeof cmd[field] !== 'string') throw new Error(`missing string field "${field}"`)
  return peerIdFromString(cmd[field])
}

function sizeArg (cmd, field, dflt) {
  const v = cmd[field] ?? dflt
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`field "${field}" must be a non-negative integer`)
  return v
}

/** A provider key: a CID string, or the hex of a multihash (wrapped in a CIDv1 raw). */
function cidArg (cmd) {
  if (typeof cmd.cid === 'string') return CID.parse(cmd.cid)
  if (typeof cmd.multihashHex === 'string') {
    return CID.createV1(raw.code, Digest.decode(hexToBytes(cmd.multihashHex, 'multihashHex')))
  }
  throw new Error('give "cid" (a CID string) or "multihashHex" (hex of a multihash)')
}

const peerInfoJson = (p) => ({ peerId: p.id.toString(), addrs: (p.multiaddrs ?? []).map(a => a.toString()) })

/** Send `bytes` random bytes on one /echo/1.0.0 stream and check they come back unchanged. */
async function echoOnce (node, target, bytes, signal) {
  const data = randomBytes(bytes)
  const stream = await node.dialProtocol(target, ECHO_PROTOCOL, { signal })
  const start = process.hrtime.bigint()
  let received = 0
  let mismatchAt = -1
  const reader = (async () => {
    for await (const chunk of stream) {
      const b = toBytes(chunk)
      if (received + b.byteLength > bytes) {
        throw new Error(`echo overread: ${received + b.byteLength} > ${bytes} bytes`)
      }
      if (mismatchAt < 0 && Buffer.compare(Buffer.from(b.buffer, b.byteOffset, b.byteLength),
        data.subarray(received, received + b.byteLength)) !== 0) {
        mismatchAt = received
      }
      received += b.byteLength
    }
  })()
  reader.catch(() => {})
  try {
    const block = 64 * 1024
    for (let off = 0; off < bytes; off += block) {
      if (!stream.send(data.subarray(off, Math.min(bytes, off + block)))) {
        await stream.onDrain({ signal })
      }
    }
    await stream.close({ signal })
    await reader
  } catch (err) {
    stream.abort(err)
    throw err
  }
  if (received !== bytes) throw new Error(`echo underread: ${received} of ${bytes} bytes came back`)
  if (mismatchAt >= 0) throw new Error(`echo returned different bytes (first bad chunk at offset ${mismatchAt})`)
  return { bytes, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
}

function makeCommands (node, opts, stop) {
  return {
    async info () {
      return {
        peerId: node.peerId.toString(),
        addrs: node.getMultiaddrs().map(a => a.toString()),
        protocols: node.getProtocols(),
        connections: node.getConnections().map(c => ({
          peerId: c.remotePeer.toString(),
          remoteAddr: c.remoteAddr.toString(),
          direction: c.direction,
          encryption: c.encryption,
          multiplexer: c.multiplexer
        }))
      }
    },

    async dial (cmd, signal) {
      const conn = await node.dial(addrArg(cmd), { signal })
      return {
        peerId: conn.remotePeer.toString(),
        remoteAddr: conn.remoteAddr.toString(),
        encryption: conn.encryption,
        multiplexer: conn.multiplexer
      }
    },

    async hangUp (cmd, signal) {
      const target = typeof cmd.peerId === 'string' ? peerIdArg(cmd) : addrArg(cmd)
      await node.hangUp(target, { signal })
      return {}
    },

    async ping (cmd, signal) {
      const start = process.hrtime.bigint()
      const rtt = await node.services.ping.ping(addrArg(cmd), { signal })
      return { rtt, elapsedMs: Number(process.hrtime.bigint() - start) / 1e6 }
    },

    async identify (cmd, signal) {
      const conn = await node.dial(addrArg(cmd), { signal })
      // identify() throws if a signed peer record is present but its envelope signature, domain or
      // peer id does not verify, so a returned signedPeerRecord has been verified.
      const res = await node.services.identify.identify(conn, { signal })
      return {
        peerId: res.peerId.toString(),
        protocols: res.protocols,
        listenAddrs: res.listenAddrs.map(a => a.toString()),
        agentVersion: res.agentVersion ?? null,
        protocolVersion: res.protocolVersion ?? null,
        observedAddr: res.observedAddr?.toString() ?? null,
        publicKeyHex: res.publicKey != null ? bytesToHex(res.publicKey) : null,
        signedPeerRecord: res.signedPeerRecord != null
          ? {
              verified: true,
              seq: res.signedPeerRecord.seq.toString(),
              addrs: res.signedPeerRecord.addresses.map(a => a.toString())
            }
          : null
      }
    },

    async echo (cmd, signal) {
      return echoOnce(node, addrArg(cmd), sizeArg(cmd, 'bytes', 1024), signal)
    },

    async streams (cmd, signal) {
      const count = sizeArg(cmd, 'count', 10)
      const bytes = sizeArg(cmd, 'bytes', 1024)
      const target = addrArg(cmd)
      await node.dial(target, { signal }) // one connection, then `count` concurrent streams on it
      const start = process.hrtime.bigint()
      const results = await Promise.allSettled(
        Array.from({ length: count }, () => echoOnce(node, target, bytes, signal)))
      const failed = results.filter(r => r.status === 'rejected')
      if (failed.length > 0) {
        throw new Error(`${failed.length} of ${count} echo streams failed; first: ${failed[0].reason?.message}`)
      }
      return { count, bytes, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
    },

    async perf (cmd, signal) {
      const upload = sizeArg(cmd, 'upload', 0)
      const download = sizeArg(cmd, 'download', 0)
      const stream = await node.dialProtocol(addrArg(cmd), PERF_PROTOCOL, { signal })
      return perfClient(stream, { upload, download, signal })
    },

    async findPeer (cmd, signal) {
      const dht = requireDht(node)
      const target = peerIdArg(cmd)
      for await (const ev of dht.findPeer(target, { signal })) {
        if (ev.type === EventTypes.FINAL_PEER && ev.peer.id.equals(target)) {
          return { found: true, ...peerInfoJson(ev.peer) }
        }
      }
      throw new Error(`peer ${target} not found`)
    },

    async closest (cmd, signal) {
      const dht = requireDht(node)
      const key = typeof cmd.keyHex === 'string'
        ? hexToBytes(cmd.keyHex, 'keyHex')
        : peerIdArg(cmd).toMultihash().bytes
      const peers = []
      for await (const ev of dht.getClosestPeers(key, { signal })) {
        if (ev.type === EventTypes.FINAL_PEER) peers.push(peerInfoJson(ev.peer))
      }
      return { peers: peers.map(p => p.peerId), peerInfos: peers }
    },

    async put (cmd, signal) {
      const dht = requireDht(node)
      const key = hexToBytes(cmd.keyHex, 'keyHex')
      const value = hexToBytes(cmd.valueHex, 'valueHex')
      const stored = new Set()
      const errors = []
      for await (const ev of dht.put(key, value, { signal })) {
        if (ev.type === EventTypes.PEER_RESPONSE && ev.messageName === 'PUT_VALUE') stored.add(ev.from.toString())
        if (ev.type === EventTypes.QUERY_ERROR) errors.push(ev.error?.message)
      }
      return { storedAt: [...stored], errors: errors.length }
    },

    async get (cmd, signal) {
      const dht = requireDht(node)
      const key = hexToBytes(cmd.keyHex, 'keyHex')
      let best = null
      for await (const ev of dht.get(key, { signal })) {
        if (ev.type === EventTypes.VALUE) best = ev
      }
      if (best == null) throw new Error(`no value found for key ${cmd.keyHex}`)
      return { valueHex: bytesToHex(best.value), from: best.from.toString() }
    },

    async provide (cmd, signal) {
      const dht = requireDht(node)
      const cid = cidArg(cmd)
      const acked = new Set()
      for await (const ev of dht.provide(cid, { signal })) {
        if (ev.type === EventTypes.PEER_RESPONSE && ev.messageName === 'ADD_PROVIDER') acked.add(ev.from.toString())
      }
      return { cid: cid.toString(), sentTo: [...acked] }
    },

    async findProviders (cmd, signal) {
      const dht = requireDht(node)
      const cid = cidArg(cmd)
      const max = sizeArg(cmd, 'count', 20)
      const found = new Map()
      for await (const ev of dht.findProviders(cid, { signal })) {
        if (ev.type === EventTypes.PROVIDER) {
          for (const p of ev.providers) found.set(p.id.toString(), peerInfoJson(p))
          if (found.size >= max) break
        }
      }
      return { cid: cid.toString(), providers: [...found.values()] }
    },

    async routingTable () {
      const dht = requireDht(node)
      const kb = dht.routingTable?.kb
      if (kb == null) throw new Error('routing table is not started')
      return { peers: [...kb.toIterable()].map(p => p.peerId.toString()) }
    },

    async waitRoutingTable (cmd, signal) {
      const dht = requireDht(node)
      const min = sizeArg(cmd, 'min', 1)
      while (true) {
        const size = dht.routingTable?.kb?.count() ?? 0
        if (size >= min) return { size }
        if (signal.aborted) throw new Error(`routing table has ${size} peers, wanted ${min}`)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    },

    async stop () {
      setImmediate(stop)
      return {}
    }
  }
}

main().catch((err) => {
  log('fatal:', err)
  process.exit(1)
})
