// Prints one JSON line {"type","privateKeyHex","publicKeyHex","peerId"} for a new libp2p key pair.
// privateKeyHex is the protobuf-encoded libp2p PrivateKey that `peer.mjs --key-hex` accepts;
// publicKeyHex is the protobuf-encoded PublicKey. Lets a test cross-check key and peer-id encodings.
//   node keygen.mjs [Ed25519|secp256k1|RSA]
import './polyfill.js'
import { generateKeyPair, privateKeyToProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromCID } from '@libp2p/peer-id'

const type = process.argv[2] ?? 'Ed25519'
// ECDSA is left out: @libp2p/peer-id 6.0.15 throws InvalidMultihashError for ECDSA peer ids
const allowed = ['Ed25519', 'secp256k1', 'RSA']
if (!allowed.includes(type)) {
  console.error(`key type must be one of ${allowed.join(', ')}, got ${type}`)
  process.exit(2)
}
const key = type === 'RSA' ? await generateKeyPair('RSA', 2048) : await generateKeyPair(type)
const hex = (b) => Buffer.from(b).toString('hex')
console.log(JSON.stringify({
  type,
  privateKeyHex: hex(privateKeyToProtobuf(key)),
  publicKeyHex: hex(publicKeyToProtobuf(key.publicKey)),
  peerId: peerIdFromCID(key.publicKey.toCID()).toString()
}))
