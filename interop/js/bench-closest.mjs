// Micro-benchmark of js kad-dht's routing-table closest-peers query, for comparison with the
// gridoverlay JMH numbers (closest-20 on tables of 500 and 100,000 peers).
//
//   node bench-closest.mjs [--sizes 500,100000] [--count 20] [--seconds 3]
//
// Prints ONE JSON line on stdout; progress goes to stderr. Re-executes itself with --expose-gc when
// started without it.
//
// What is measured: `[...kb.closest(kadId, { count })]` on @libp2p/kad-dht's KBucket trie, which is
// exactly what `RoutingTable.closestPeers(kadId, { count })` returns (routing-table/index.js:
// `return [...this.kb.closest(kadId, options)]`). KBucket is not exported by the package
// ("exports" only has "."), so it is imported by file path:
//   node_modules/@libp2p/kad-dht/dist/src/routing-table/k-bucket.js
// Targets are random 32-byte Kademlia ids (the already-hashed form the table works on).
//
// Table set-up: js's default table (prefixLength 6, k 20) holds at most 2^6 * 20 = 1,280 peers, so
// the 100,000-peer table is built with prefixLength 20 (still k = 20, split threshold 20); every
// inserted peer is kept (verify() answers true, no eviction). Peer ids are sha2-256 multihashes of
// random bytes (RSA-style ids, no key pair needed); the table keys them by sha256(multihash) as usual.
//
// Allocation: bytes of V8 heap allocated per call = heap used after - heap used before + bytes freed
// by every GC in between (v8.GCProfiler reports used heap before/after each GC). Small Buffers
// that uint8arrays takes from Node's Buffer pool keep their 8 KiB pool backing stores outside the V8
// heap; that part is reported separately as externalArrayBufferBytesPerCall, measured on batches
// during which no GC ran (so nothing was freed).
import './polyfill.js'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { create as createDigest } from 'multiformats/hashes/digest'
import { KBucket } from './node_modules/@libp2p/kad-dht/dist/src/routing-table/k-bucket.js'

if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath,
    ['--expose-gc', '--max-semi-space-size=64', ...process.execArgv, process.argv[1], ...process.argv.slice(2)],
    { stdio: 'inherit' })
  process.exit(r.status ?? 1)
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '500,100000' },
    count: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '3' }
  }
})
const sizes = values.sizes.split(',').map(Number)
const count = Number(values.count)
const seconds = Number(values.seconds)
const err = (...a) => console.error('[bench-closest]', ...a)

function randomPeerId () {
  return peerIdFromMultihash(createDigest(0x12, randomBytes(32)))
}

async function buildTable (size) {
  const kb = new KBucket({ peerId: randomPeerId() }, {
    kBucketSize: 20,
    prefixLength: size > 1280 ? 20 : 6,
    verify: async () => true,
    ping: async function * () {},
    metricsPrefix: 'bench'
  })
  await kb.start()
  for (let i = 0; i < size; i++) {
    await kb.add(randomPeerId())
  }
  return kb
}

function closest (kb, target) {
  return [...kb.closest(target, { count })]
}

function timeCalls (kb, targets) {
  // warm-up: at least 1 s and at least 5 calls
  const warmEnd = process.hrtime.bigint() + 1_000_000_000n
  let i = 0
  while (process.hrtime.bigint() < warmEnd || i < 5) closest(kb, targets[i++ % targets.length])
  const samples = []
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9))
  let sink = 0
  while (process.hrtime.bigint() < end || samples.length < 10) {
    const t0 = process.hrtime.bigint()
    sink += closest(kb, targets[i++ % targets.length]).length
    samples.push(Number(process.hrtime.bigint() - t0) / 1e3)
  }
  if (sink !== samples.length * Math.min(count, kb.count())) throw new Error(`closest returned wrong sizes (${sink})`)
  samples.sort((a, b) => a - b)
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length
  return { calls: samples.length, meanMicros: mean, p50Micros: samples[samples.length >> 1], p99Micros: samples[Math.floor(samples.length * 0.99)] }
}

function allocation (kb, targets, totalCalls) {
  const batch = Math.max(1, Math.min(64, Math.floor(totalCalls / 8)))
  let heapBytes = 0
  let calls = 0
  let extBytes = 0
  let extCalls = 0
  let gcs = 0
  let i = 0
  globalThis.gc()
  while (calls < totalCalls) {
    const profiler = new v8.GCProfiler()
    profiler.start()
    const h0 = v8.getHeapStatistics().used_heap_size
    const a0 = process.memoryUsage().arrayBuffers
    for (let j = 0; j < batch; j++) closest(kb, targets[i++ % targets.length])
    const a1 = process.memoryUsage().arrayBuffers
    const h1 = v8.getHeapStatistics().used_heap_size
    const { statistics } = profiler.stop()
    let freed = 0
    for (const s of statistics) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize
    heapBytes += h1 - h0 + freed
    calls += batch
    gcs += statistics.length
    if (statistics.length === 0) {
      extBytes += a1 - a0
      extCalls += batch
    }
  }
  return {
    heapBytesPerCall: Math.round(heapBytes / calls),
    externalArrayBufferBytesPerCall: extCalls > 0 ? Math.round(extBytes / extCalls) : null,
    allocCalls: calls,
    gcsDuringAllocRun: gcs
  }
}

const results = []
for (const size of sizes) {
  err(`building a table of ${size} peers`)
  const t0 = Date.now()
  const kb = await buildTable(size)
  const tableSize = kb.count()
  err(`table has ${tableSize} peers (built in ${Date.now() - t0} ms); timing closest-${count}`)
  const targets = Array.from({ length: 1024 }, () => new Uint8Array(randomBytes(32)))
  const timing = timeCalls(kb, targets)
  const alloc = allocation(kb, targets, Math.max(5, Math.min(2000, Math.round(timing.calls / 4))))
  const r = { peers: size, tableSize, count, ...timing, ...alloc }
  err(JSON.stringify(r))
  results.push(r)
}

const round = (x) => typeof x === 'number' ? Math.round(x * 100) / 100 : x
console.log(JSON.stringify({
  bench: 'js kad-dht RoutingTable.closestPeers',
  kadDht: '@libp2p/kad-dht 16.4.5 (KBucket from dist/src/routing-table/k-bucket.js)',
  node: process.version,
  results: results.map(r => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)])))
}))
