// Self-test of peer.mjs and its stdin/stdout JSON protocol: spawns js peers as child processes and
// drives them exactly as the Java interop tests will. Exits 0 when every check passes, 1 otherwise.
//
//   node selftest.mjs            # noise + plaintext transport checks, then a 3-peer DHT check
//   node selftest.mjs --no-dht   # skip the DHT part
import './polyfill.js'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const MiB = 1024 * 1024
const results = []
const children = []

/** One peer.mjs child process with a request/response helper over its stdin/stdout. */
class Peer {
  constructor (name, args) {
    this.name = name
    this.nextId = 1
    this.pending = new Map()
    this.proc = spawn(process.execPath, [join(here, 'peer.mjs'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    children.push(this.proc)
    this.stderr = []
    createInterface({ input: this.proc.stderr }).on('line', (l) => {
      this.stderr.push(l)
      if (process.env.SELFTEST_VERBOSE) console.error(`  [${name}] ${l}`)
    })
    this.listening = new Promise((resolve, reject) => {
      this.proc.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening:\n${this.stderr.join('\n')}`)))
      createInterface({ input: this.proc.stdout }).on('line', (line) => {
        const msg = JSON.parse(line)
        if (msg.event === 'listening') {
          this.peerId = msg.peerId
          this.addr = msg.addrs[0]
          resolve(msg)
          return
        }
        const p = this.pending.get(msg.id)
        if (p == null) throw new Error(`${name}: reply to unknown id: ${line}`)
        this.pending.delete(msg.id)
        p(msg)
      })
    })
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)))
  }

  /** Send one command; resolve with the reply (ok or not). */
  send (cmd, fields = {}) {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.proc.stdin.write(JSON.stringify({ id, cmd, ...fields }) + '\n')
    })
  }

  /** Send one command; throw unless the reply is ok. */
  async call (cmd, fields = {}) {
    const r = await this.send(cmd, fields)
    if (r.ok !== true) throw new Error(`${this.name} ${cmd} failed: ${r.error}`)
    return r
  }
}

async function check (name, fn) {
  const start = Date.now()
  try {
    const detail = await fn()
    results.push({ name, ok: true })
    console.log(`PASS ${name} (${Date.now() - start} ms)${detail != null ? ' ' + detail : ''}`)
  } catch (err) {
    results.push({ name, ok: false })
    console.log(`FAIL ${name}: ${err.message}`)
  }
}

function assert (cond, msg) {
  if (!cond) throw new Error(msg)
}

async function transportChecks (security) {
  const a = new Peer(`a-${security}`, [`--${security}`])
  const b = new Peer(`b-${security}`, [`--${security}`])
  await Promise.all([a.listening, b.listening])

  await check(`${security}: dial`, async () => {
    const r = await a.call('dial', { addr: b.addr })
    assert(r.peerId === b.peerId, `dialled ${r.peerId}, expected ${b.peerId}`)
    assert(r.encryption === (security === 'noise' ? '/noise' : '/plaintext/2.0.0'), `encryption ${r.encryption}`)
    assert(r.multiplexer === '/yamux/1.0.0', `multiplexer ${r.multiplexer}`)
  })
  await check(`${security}: ping`, async () => {
    const r = await a.call('ping', { addr: b.addr })
    assert(typeof r.rtt === 'number' && r.rtt >= 0, `rtt ${r.rtt}`)
    return `rtt=${r.rtt} ms`
  })
  await check(`${security}: identify`, async () => {
    const r = await a.call('identify', { addr: b.addr })
    assert(r.peerId === b.peerId, `identified ${r.peerId}`)
    for (const p of ['/ipfs/id/1.0.0', '/ipfs/ping/1.0.0', '/echo/1.0.0', '/perf/1.0.0']) {
      assert(r.protocols.includes(p), `missing protocol ${p} in ${r.protocols}`)
    }
    assert(r.agentVersion?.startsWith('gridoverlay-interop-js/'), `agentVersion ${r.agentVersion}`)
    assert(r.listenAddrs.length > 0, 'no listen addrs')
    assert(r.signedPeerRecord?.verified === true, 'no verified signed peer record')
    assert(r.signedPeerRecord.addrs.some(x => b.addr.startsWith(x)), `record addrs ${r.signedPeerRecord.addrs}`)
  })
  await check(`${security}: echo 64 MiB`, async () => {
    const r = await a.call('echo', { addr: b.addr, bytes: 64 * MiB, timeoutMs: 300_000 })
    assert(r.bytes === 64 * MiB, `echoed ${r.bytes}`)
    return `${(2 * 64 / r.seconds).toFixed(1)} MiB/s both ways`
  })
  await check(`${security}: perf up 32 MiB / down 64 MiB`, async () => {
    const r = await a.call('perf', { addr: b.addr, upload: 32 * MiB, download: 64 * MiB, timeoutMs: 300_000 })
    assert(r.uploadBytes === 32 * MiB && r.downloadBytes === 64 * MiB, JSON.stringify(r))
    return `${(96 / r.seconds).toFixed(1)} MiB/s`
  })
  await check(`${security}: 200 concurrent echo streams`, async () => {
    const r = await a.call('streams', { addr: b.addr, count: 200, bytes: 4096 })
    assert(r.count === 200, JSON.stringify(r))
  })
  await check(`${security}: error reply for a bad address`, async () => {
    const r = await a.send('ping', { addr: '/ip4/127.0.0.1/tcp/1', timeoutMs: 5000 })
    assert(r.ok === false && typeof r.error === 'string', JSON.stringify(r))
  })
  await check(`${security}: stop exits 0`, async () => {
    await Promise.all([a.call('stop'), b.call('stop')])
    const codes = await Promise.all([a.exited, b.exited])
    assert(codes.every(c => c === 0), `exit codes ${codes}`)
  })
}

async function keyChecks () {
  const keygen = spawn(process.execPath, [join(here, 'keygen.mjs'), 'secp256k1'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  keygen.stdout.on('data', (d) => { out += d })
  await new Promise((resolve) => keygen.once('exit', resolve))
  await check('--key-hex: peer id known in advance', async () => {
    const key = JSON.parse(out)
    const p = new Peer('keyed', ['--key-hex', key.privateKeyHex])
    const l = await p.listening
    assert(l.peerId === key.peerId, `peer id ${l.peerId}, expected ${key.peerId}`)
    assert(l.addrs.every(x => x.endsWith('/p2p/' + key.peerId)), `addrs ${l.addrs}`)
    await p.call('stop')
    assert(await p.exited === 0, 'keyed peer did not exit 0')
  })
}

async function dhtChecks () {
  const a = new Peer('dht-a', ['--dht'])
  await a.listening
  const b = new Peer('dht-b', ['--dht', '--bootstrap', a.addr])
  const c = new Peer('dht-c', ['--dht', '--bootstrap', a.addr])
  await Promise.all([b.listening, c.listening])
  const peers = [a, b, c]

  await check('dht: routing tables fill', async () => {
    await a.call('waitRoutingTable', { min: 2, timeoutMs: 20_000 })
    await b.call('waitRoutingTable', { min: 1, timeoutMs: 20_000 })
    await c.call('waitRoutingTable', { min: 1, timeoutMs: 20_000 })
    const t = await a.call('routingTable')
    assert(t.peers.includes(b.peerId) && t.peers.includes(c.peerId), `a's table ${t.peers}`)
  })
  await check('dht: closest from b finds a and c', async () => {
    const r = await b.call('closest', { peerId: c.peerId, timeoutMs: 20_000 })
    assert(r.peers.includes(a.peerId) && r.peers.includes(c.peerId), `closest ${r.peers}`)
  })
  await check('dht: findPeer c from b', async () => {
    const r = await b.call('findPeer', { peerId: c.peerId, timeoutMs: 20_000 })
    assert(r.peerId === c.peerId && r.addrs.length > 0, JSON.stringify(r))
  })
  const keyHex = Buffer.from('/test/selftest-key').toString('hex')
  const valueHex = Buffer.from('hello from b').toString('hex')
  await check('dht: put on b, get on c', async () => {
    const p = await b.call('put', { keyHex, valueHex, timeoutMs: 20_000 })
    assert(p.storedAt.length >= 1, `stored at ${p.storedAt}`)
    const g = await c.call('get', { keyHex, timeoutMs: 20_000 })
    assert(g.valueHex === valueHex, `got ${g.valueHex}`)
    // c answers from its own store when b's PUT_VALUE reached it; either way the value crossed peers
    assert(g.from !== c.peerId || p.storedAt.includes(c.peerId), `value came from c, which b never stored at`)
  })
  await check('dht: provide on c, findProviders on b', async () => {
    const multihashHex = '1220' + Buffer.alloc(32, 7).toString('hex') // sha2-256 multihash
    const p = await c.call('provide', { multihashHex, timeoutMs: 20_000 })
    assert(p.sentTo.length >= 1, `provider record sent to ${p.sentTo}`)
    const f = await b.call('findProviders', { multihashHex, timeoutMs: 20_000 })
    assert(f.providers.some(x => x.peerId === c.peerId), `providers ${JSON.stringify(f.providers)}`)
  })
  await check('dht: get of a missing key fails with ok=false', async () => {
    const r = await b.send('get', { keyHex: Buffer.from('/test/missing').toString('hex'), timeoutMs: 20_000 })
    assert(r.ok === false, JSON.stringify(r))
  })
  await Promise.all(peers.map(p => p.call('stop')))
  await check('dht: stop exits 0', async () => {
    const codes = await Promise.all(peers.map(p => p.exited))
    assert(codes.every(c => c === 0), `exit codes ${codes}`)
  })
}

const overall = setTimeout(() => {
  console.log('FAIL selftest: overall time limit of 300 s exceeded')
  for (const c of children) c.kill('SIGKILL')
  process.exit(1)
}, 300_000)

try {
  await transportChecks('noise')
  await transportChecks('plaintext')
  await keyChecks()
  if (!process.argv.includes('--no-dht')) await dhtChecks()
} catch (err) {
  results.push({ name: 'selftest', ok: false })
  console.log(`FAIL selftest: ${err.stack}`)
} finally {
  clearTimeout(overall)
  for (const c of children) if (c.exitCode == null) c.kill('SIGKILL')
}
const failed = results.filter(r => !r.ok).length
console.log(`${results.length - failed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
