package io.gridoverlay.benchmarks;

import io.gridoverlay.transport.internal.multistream.MultistreamFrames;
import io.gridoverlay.transport.internal.noise.CipherState;
import io.gridoverlay.transport.internal.noise.NoiseCipherBackend;
import io.gridoverlay.transport.internal.noise.NoiseConfig;
import io.gridoverlay.transport.internal.noise.NoiseFrameCodec;
import io.gridoverlay.transport.internal.noise.NoiseHandshake;
import io.gridoverlay.transport.internal.noise.NoiseIdentity;
import io.gridoverlay.transport.internal.noise.NoiseIdentityVerifier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Noise transport cipher throughput per ChaCha20-Poly1305 back end ({@link NoiseCipherBackend}): encrypt
 * + decrypt, and encrypt only, of 64 KiB in libp2p frames of at most 65519 plaintext bytes; the default
 * back end also with the ciphers of a real handshake; and multistream-select message encode/decode.
 * MB/s = ops/s × 65536 / 10^6 (for encrypt+decrypt, each way).
 *
 * <p>Measured on the 2-core build machine (AMD EPYC, AVX2, no AVX-512), idle, Temurin 25, encrypt + decrypt
 * of 64 KiB ({@code backendEncryptDecrypt64KiB -f 1 -wi 2 -i 3 -w 1s -r 2s}): CONSCRYPT 15,200 ops/s
 * (~1,000 MB/s each way, on direct buffers as the codec uses it), FAST 4,900 (~320 MB/s), JDK 3,000
 * (~196 MB/s), BOUNCY_CASTLE 1,550 (~102 MB/s); {@code openssl speed -evp chacha20-poly1305 -bytes 65536}
 * ~2,100 MB/s for one direction. Earlier, encrypt only on a loaded machine by thread CPU time: JDK 25 FAST
 * ~600 MB/s, JDK ~435; JDK 17 FAST ~290; parts on JDK 25: the JDK's ChaCha20 ~1,550 MB/s, our Poly1305
 * ~1,630 MB/s.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NoiseBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NoiseBenchmark {
    private static final int DATA = 64 * 1024;

    private CipherState encryptor;
    private CipherState decryptor;
    private byte[] plaintext;
    private byte[] ciphertext;
    private byte[] decrypted;
    private ByteBuf mssBuffer;

    /** An Ed25519 identity from the JDK; signatures are not verified in this benchmark. */
    private static final class BenchIdentity implements NoiseIdentity {
        private final KeyPair pair;

        BenchIdentity() throws GeneralSecurityException {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }

        @Override
        public byte[] encodedPublicKey() {
            byte[] spki = pair.getPublic().getEncoded();
            byte[] out = new byte[36];
            out[0] = 0x08;
            out[1] = 0x01;
            out[2] = 0x12;
            out[3] = 0x20;
            System.arraycopy(spki, spki.length - 32, out, 4, 32);
            return out;
        }

        @Override
        public byte[] sign(byte[] data) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(pair.getPrivate());
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Setup
    public void setUp() throws GeneralSecurityException {
        NoiseIdentityVerifier acceptAll = (key, data, sig) -> { };
        NoiseConfig a = NoiseConfig.builder().identity(new BenchIdentity()).verifier(acceptAll).build();
        NoiseConfig b = NoiseConfig.builder().identity(new BenchIdentity()).verifier(acceptAll).build();
        NoiseHandshake init = NoiseHandshake.initiator(a);
        NoiseHandshake resp = NoiseHandshake.responder(b);
        resp.readMessage(init.writeMessage());
        init.readMessage(resp.writeMessage());
        resp.readMessage(init.writeMessage());
        encryptor = init.session().encryptor();
        decryptor = resp.session().decryptor();
        plaintext = new byte[DATA];
        new Random(1).nextBytes(plaintext);
        ciphertext = new byte[NoiseFrameCodec.MAX_FRAME_LENGTH];
        decrypted = new byte[DATA];
        mssBuffer = Unpooled.buffer(256);
    }

    @TearDown
    public void tearDown() {
        mssBuffer.release();
    }

    /** A sender/receiver pair of one back end with a random key. */
    @State(Scope.Thread)
    public static class Ciphers {
        @Param({"CONSCRYPT", "FAST", "JDK", "BOUNCY_CASTLE"})
        public String backend;
        CipherState encryptor;
        CipherState decryptor;
        /** Direct buffers for back ends that prefer them (the codec's path for Conscrypt). */
        java.nio.ByteBuffer directPlain;
        java.nio.ByteBuffer directSealed;
        java.nio.ByteBuffer directBack;

        @Setup
        public void setUp() {
            byte[] key = new byte[32];
            new Random(2).nextBytes(key);
            NoiseCipherBackend b = NoiseCipherBackend.valueOf(backend);
            encryptor = b.newCipherState(key);
            decryptor = b.newCipherState(key);
            directPlain = java.nio.ByteBuffer.allocateDirect(DATA);
            directSealed = java.nio.ByteBuffer.allocateDirect(NoiseFrameCodec.MAX_FRAME_LENGTH);
            directBack = java.nio.ByteBuffer.allocateDirect(DATA);
        }

        int encrypt(int off, int len, byte[] plaintext, byte[] ciphertext) {
            if (!encryptor.prefersDirectBuffers()) {
                return encryptor.encrypt(plaintext, off, len, ciphertext, 0);
            }
            directSealed.clear();
            return encryptor.encrypt(directPlain.limit(off + len).position(off), directSealed);
        }

        int decrypt(int off, int ct, byte[] ciphertext, byte[] decrypted) {
            if (!decryptor.prefersDirectBuffers()) {
                return decryptor.decrypt(ciphertext, 0, ct, decrypted, off);
            }
            directSealed.flip();
            return decryptor.decrypt(directSealed, directBack.limit(off + ct - CipherState.TAG_LENGTH).position(off));
        }
    }

    /** Encrypts then decrypts 64 KiB with the given back end. */
    @Benchmark
    public int backendEncryptDecrypt64KiB(Ciphers c) {
        int total = 0;
        for (int off = 0; off < DATA; off += NoiseFrameCodec.MAX_PLAINTEXT) {
            int len = Math.min(NoiseFrameCodec.MAX_PLAINTEXT, DATA - off);
            int ct = c.encrypt(off, len, plaintext, ciphertext);
            total += c.decrypt(off, ct, ciphertext, decrypted);
        }
        return total;
    }

    /** Encrypts 64 KiB (two frames: 65519 + 17 bytes) with the given back end. */
    @Benchmark
    public int backendEncrypt64KiB(Ciphers c) {
        int total = 0;
        for (int off = 0; off < DATA; off += NoiseFrameCodec.MAX_PLAINTEXT) {
            int len = Math.min(NoiseFrameCodec.MAX_PLAINTEXT, DATA - off);
            total += c.encrypt(off, len, plaintext, ciphertext);
        }
        return total;
    }

    /** Encrypts then decrypts 64 KiB in maximal frames; throughput × 64 KiB = bytes per second each way. */
    @Benchmark
    public int encryptDecrypt64KiB() {
        int total = 0;
        for (int off = 0; off < DATA; off += NoiseFrameCodec.MAX_PLAINTEXT) {
            int len = Math.min(NoiseFrameCodec.MAX_PLAINTEXT, DATA - off);
            int ct = encryptor.encrypt(plaintext, off, len, ciphertext, 0);
            total += decryptor.decrypt(ciphertext, 0, ct, decrypted, off);
        }
        return total;
    }

    /** Encodes the header and a proposal and decodes both back. */
    @Benchmark
    public void multistreamEncodeDecode(Blackhole bh) {
        mssBuffer.clear();
        MultistreamFrames.write(MultistreamFrames.PROTOCOL_ID, mssBuffer, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
        MultistreamFrames.write(io.gridoverlay.transport.internal.noise.NoiseHandshake.PROTOCOL_ID, mssBuffer, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
        bh.consume(MultistreamFrames.tryDecode(mssBuffer, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH));
        bh.consume(MultistreamFrames.tryDecode(mssBuffer, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH));
    }
}
