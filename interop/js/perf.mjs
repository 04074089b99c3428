// /perf/1.0.0 — the libp2p benchmark protocol (libp2p/specs perf/perf.md), server and client,
// written against the js-libp2p 3.x stream API (send()/onDrain()/async iteration).
//
// Wire format on one stream, client -> server first:
//
//   client:  +----------------------------+---------------------------+-----------+
//            | u64 big-endian: bytes the  | upload: N arbitrary bytes | close     |
//            | client wants back (8 bytes)| (N chosen by the client)  | write     |
//            +----------------------------+---------------------------+-----------+
//   server:  reads the 8-byte u64, reads and discards until EOF, then
//            +-------------------------------------+-------------+
//            | download: exactly u64 arbitrary     | close write |
//            | bytes                               |             |
//            +-------------------------------------+-------------+
//
// The client reads until EOF and checks it got exactly the number it asked for.
import './polyfill.js'

export const PERF_PROTOCOL = '/perf/1.0.0'

/** Size of each write; js-libp2p's own perf implementation also writes 64 KiB blocks. */
export const WRITE_BLOCK_SIZE = 64 * 1024

/** Largest byte count accepted in the u64 header (2^53 - 1, safe as a JS number). */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

const ZEROS = new Uint8Array(WRITE_BLOCK_SIZE)

/** A stream chunk is a Uint8Array or a Uint8ArrayList; return its bytes as one Uint8Array. */
export function toBytes (chunk) {
  return chunk instanceof Uint8Array ? chunk : chunk.subarray()
}

/** Send `count` bytes on `stream` in WRITE_BLOCK_SIZE blocks, honouring back-pressure. */
async function sendBytes (stream, count, signal) {
  let remaining = count
  while (remaining > 0) {
    const n = Math.min(remaining, WRITE_BLOCK_SIZE)
    const block = n === WRITE_BLOCK_SIZE ? ZEROS : ZEROS.subarray(0, n)
    remaining -= n
    if (!stream.send(block)) {
      await stream.onDrain({ signal })
    }
  }
}

/** Encode a byte count as the 8-byte big-endian header. */
export function encodeU64 (n) {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`perf: byte count must be a non-negative safe integer, got ${n}`)
  }
  const header = new Uint8Array(8)
  new DataView(header.buffer).setBigUint64(0, BigInt(n), false)
  return header
}

/**
 * Server-side handler: register with `libp2p.handle(PERF_PROTOCOL, perfHandler(...))`.
 * @param {{ timeoutMs?: number, log?: (msg: string) => void }} [opts]
 */
export function perfHandler (opts = {}) {
  const timeoutMs = opts.timeoutMs ?? 600_000
  const log = opts.log ?? (() => {})
  return async (stream) => {
    const signal = AbortSignal.timeout(timeoutMs)
    const onAbort = () => stream.abort(new Error(`perf server timed out after ${timeoutMs} ms`))
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const header = new Uint8Array(8)
      let headerLength = 0
      let requested = null
      let uploaded = 0
      for await (const chunk of stream) {
        if (requested === null) {
          const bytes = toBytes(chunk)
          const take = Math.min(8 - headerLength, bytes.byteLength)
          header.set(bytes.subarray(0, take), headerLength)
          headerLength += take
          if (headerLength === 8) {
            const value = new DataView(header.buffer).getBigUint64(0, false)
            if (value > MAX_SAFE) {
              throw new RangeError(`perf: requested download of ${value} bytes exceeds 2^53-1`)
            }
            requested = Number(value)
            uploaded += bytes.byteLength - take
          }
        } else {
          uploaded += chunk.byteLength
        }
      }
      if (requested === null) {
        throw new Error(`perf: stream ended after ${headerLength} bytes, before the 8-byte header`)
      }
      log(`perf server: received ${uploaded} bytes, sending ${requested}`)
      await sendBytes(stream, requested, signal)
      await stream.close({ signal })
    } catch (err) {
      log(`perf server error: ${err.message}`)
      stream.abort(err)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }
}

/**
 * Client: run one perf exchange on a freshly opened stream.
 * @param {import('@libp2p/interface').Stream} stream a stream already negotiated to PERF_PROTOCOL
 * @param {{ upload: number, download: number, signal?: AbortSignal }} opts
 * @returns {Promise<{ seconds: number, uploadSeconds: number, uploadBytes: number, downloadBytes: number }>}
 */
export async function perfClient (stream, { upload, download, signal }) {
  const start = process.hrtime.bigint()
  let uploadDone = start
  let received = 0
  try {
    const reader = (async () => {
      for await (const chunk of stream) {
        received += chunk.byteLength
      }
    })()
    // the reader is awaited below; avoid an unhandled rejection if the writer fails first
    reader.catch(() => {})
    if (!stream.send(encodeU64(download))) {
      await stream.onDrain({ signal })
    }
    await sendBytes(stream, upload, signal)
    await stream.close({ signal })
    uploadDone = process.hrtime.bigint()
    await reader
  } catch (err) {
    stream.abort(err)
    throw err
  }
  const end = process.hrtime.bigint()
  if (received !== download) {
    throw new Error(`perf: expected ${download} bytes back, received ${received}`)
  }
  return {
    seconds: Number(end - start) / 1e9,
    uploadSeconds: Number(uploadDone - start) / 1e9,
    uploadBytes: upload,
    downloadBytes: received
  }
}
