// Polyfills that js-libp2p 3.x expects from Node.js >= 22 but Node.js 20 lacks.
// Import this module FIRST (before any libp2p module) in every script:
//   import './polyfill.js'
// ES module imports are evaluated in order, and this module has no imports of its own,
// so its body runs before the libp2p modules that follow it are evaluated.

if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers () {
      let resolve
      let reject
      const promise = new this((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    }
  })
}
