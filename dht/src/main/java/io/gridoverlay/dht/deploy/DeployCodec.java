package io.gridoverlay.dht.deploy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Message;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Varint;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.dht.deploy.DeployProtocolException.Kind;
import io.gridoverlay.dht.proto.DeployProto;
import io.gridoverlay.dht.protocol.KadFrameDecoder;
import io.gridoverlay.dht.protocol.KadProtocolException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Encodes and decodes {@code /grid/deploy/1.0.0} messages: one {@code DeployMessage} protobuf per frame,
 *
 * <pre>
 * +----------------------------+-------------------------------------------------------+
 * | length: unsigned varint,   | DeployMessage (deploy.proto), oneof:                  |
 * | minimal, ≤ maxMessageLength|  1 submit         bytes  DeploymentRecord             |
 * |                            |  2 delete         bytes  envelope(DeleteRequest)       |
 * |                            |  3 acceptance     bytes  envelope(Acceptance)          |
 * |                            |  4 cosign_request bytes  DeploymentRecord             |
 * |                            |  5 cosign_response {signer, signature, refusal}        |
 * |                            |  6 error           {code, message}                     |
 * +----------------------------+-------------------------------------------------------+
 * stream: request frame, requester closes its write side; one answer frame, responder closes.
 * </pre>
 *
 * <p>The length is checked against {@code maxMessageLength} as soon as the varint proves it too large, before
 * a payload buffer exists (the framing is {@link KadFrameDecoder}'s); inner records are decoded strictly
 * (no unknown fields, their own size limits). Signatures are not checked here except the delete envelope's,
 * which decoding it verifies.
 *
 * <p>Stateless and thread-safe; each stream gets its own {@link FrameReader}. O(message length).
 */
final class DeployCodec {
    /** The largest message: a largest deployment envelope plus the message's own few bytes of framing. */
    static final int MAX_MESSAGE_LENGTH = SignedDeployment.MAX_ENVELOPE_LENGTH + 1024;
    /** Longest reason or error message kept, in characters. */
    static final int MAX_TEXT = 4096;

    private final int maxMessageLength;

    DeployCodec(int maxMessageLength) {
        if (maxMessageLength <= 0 || maxMessageLength > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("maxMessageLength must be in 1.." + MAX_MESSAGE_LENGTH + ", got "
                    + maxMessageLength);
        }
        this.maxMessageLength = maxMessageLength;
    }

    int maxMessageLength() {
        return maxMessageLength;
    }

    /** The protobuf bytes of {@code m}. */
    byte[] encode(DeployMessage m) {
        DeployProto.DeployMessage.Builder b = DeployProto.DeployMessage.newBuilder();
        if (m instanceof DeployMessage.Submit s) {
            b.setSubmit(ByteString.copyFrom(s.deployment().toBytes()));
        } else if (m instanceof DeployMessage.Delete d) {
            b.setDelete(ByteString.copyFrom(d.delete().envelope().toBytes()));
        } else if (m instanceof DeployMessage.AcceptanceAnswer a) {
            b.setAcceptance(ByteString.copyFrom(a.envelope()));
        } else if (m instanceof DeployMessage.CosignRequest c) {
            b.setCosignRequest(ByteString.copyFrom(c.deployment().toBytes()));
        } else if (m instanceof DeployMessage.Cosigned c) {
            b.setCosignResponse(DeployProto.CosignResponse.newBuilder()
                    .setSigner(ByteString.copyFrom(c.signature().signer().encode()))
                    .setSignature(ByteString.copyFrom(c.signature().signature())));
        } else if (m instanceof DeployMessage.CosignRefused r) {
            b.setCosignResponse(DeployProto.CosignResponse.newBuilder()
                    .setRefusal(clip(r.reason().isEmpty() ? "refused" : r.reason())));
        } else if (m instanceof DeployMessage.Failure f) {
            b.setError(DeployProto.Error.newBuilder().setCode(f.code().ordinal()).setMessage(clip(f.message())));
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
        return b.build().toByteArray();
    }

    /**
     * {@link #encode} behind its varint length.
     *
     * @throws DeployProtocolException of kind {@link Kind#TOO_LARGE} if the message exceeds the limit
     */
    byte[] frame(DeployMessage m) {
        byte[] body = encode(m);
        if (body.length > maxMessageLength) {
            throw new DeployProtocolException(Kind.TOO_LARGE, "message of " + body.length
                    + " bytes exceeds the limit of " + maxMessageLength);
        }
        byte[] out = new byte[Varint.size(body.length) + body.length];
        int n = Varint.write(body.length, out, 0);
        System.arraycopy(body, 0, out, n, body.length);
        return out;
    }

    /**
     * Decodes one message (without its length prefix).
     *
     * @throws DeployProtocolException if the bytes are not a well-formed message
     */
    DeployMessage decode(byte[] bytes) {
        if (bytes.length > maxMessageLength) {
            throw new DeployProtocolException(Kind.TOO_LARGE, "message of " + bytes.length
                    + " bytes exceeds the limit of " + maxMessageLength);
        }
        DeployProto.DeployMessage p;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(8);
            p = DeployProto.DeployMessage.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (java.io.IOException e) { // InvalidProtocolBufferException: nothing else reads a byte array
            throw new DeployProtocolException(Kind.MALFORMED, "not a DeployMessage: " + e.getMessage(), e);
        }
        requireNoUnknownFields(p);
        try {
            return switch (p.getKindCase()) {
                case SUBMIT -> new DeployMessage.Submit(SignedDeployment.decode(p.getSubmit().toByteArray()));
                case DELETE -> new DeployMessage.Delete(DeleteRequest.open(p.getDelete().toByteArray()));
                case ACCEPTANCE -> new DeployMessage.AcceptanceAnswer(p.getAcceptance().toByteArray());
                case COSIGN_REQUEST -> new DeployMessage.CosignRequest(
                        SignedDeployment.decode(p.getCosignRequest().toByteArray()));
                case COSIGN_RESPONSE -> cosignResponse(p.getCosignResponse());
                case ERROR -> failure(p.getError());
                case KIND_NOT_SET -> throw new DeployProtocolException(Kind.MALFORMED, "empty DeployMessage");
            };
        } catch (DeployProtocolException e) {
            throw e;
        } catch (DecodingException e) {
            throw new DeployProtocolException(Kind.MALFORMED, p.getKindCase().name().toLowerCase(java.util.Locale.ROOT)
                    + ": " + e.getMessage(), e);
        }
    }

    private static DeployMessage cosignResponse(DeployProto.CosignResponse r) {
        boolean signed = !r.getSigner().isEmpty() || !r.getSignature().isEmpty();
        if (signed == !r.getRefusal().isEmpty()) {
            throw new DeployProtocolException(Kind.MALFORMED,
                    "cosign response must carry either a signer and signature or a refusal");
        }
        if (!signed) {
            return new DeployMessage.CosignRefused(text(r.getRefusal(), "refusal"));
        }
        if (r.getSignature().isEmpty() || r.getSignature().size() > 1024) {
            throw new DeployProtocolException(Kind.MALFORMED, "cosign signature must be 1-1024 bytes");
        }
        return new DeployMessage.Cosigned(new SignedDeployment.Signature(PublicKey.decode(r.getSigner().toByteArray()),
                r.getSignature().toByteArray()));
    }

    private static DeployMessage failure(DeployProto.Error e) {
        RejectionCode[] codes = RejectionCode.values();
        if (e.getCode() < 0 || e.getCode() >= codes.length) {
            throw new DeployProtocolException(Kind.MALFORMED, "unknown error code " + Integer.toUnsignedString(e.getCode()));
        }
        return new DeployMessage.Failure(codes[e.getCode()], text(e.getMessage(), "error message"));
    }

    private static String text(String s, String what) {
        if (s.length() > MAX_TEXT) {
            throw new DeployProtocolException(Kind.TOO_LARGE, what + " longer than " + MAX_TEXT + " characters");
        }
        return s;
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    private static void requireNoUnknownFields(Message m) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            throw new DeployProtocolException(Kind.MALFORMED, m.getDescriptorForType().getName()
                    + " carries unknown fields");
        }
        for (Object v : m.getAllFields().values()) {
            if (v instanceof Message inner) {
                requireNoUnknownFields(inner);
            }
        }
    }

    /**
     * Splits one stream's bytes into messages. Not thread-safe: one per stream, fed on its event loop.
     * After an exception it stays failed.
     */
    final class FrameReader {
        private final KadFrameDecoder frames = new KadFrameDecoder(maxMessageLength);

        /** Consumes {@code in}; passes each complete message to {@code out}. */
        void read(ByteBuffer in, Consumer<DeployMessage> out) {
            try {
                frames.decode(in, bytes -> out.accept(decode(bytes)));
            } catch (KadProtocolException e) {
                throw new DeployProtocolException(e.kind() == KadProtocolException.Kind.TOO_LARGE ? Kind.TOO_LARGE
                        : e.kind() == KadProtocolException.Kind.TRUNCATED ? Kind.TRUNCATED : Kind.MALFORMED,
                        e.getMessage(), e);
            }
        }

        /** The stream ended: fails if it ended inside a frame. */
        void finish() {
            try {
                frames.finish();
            } catch (KadProtocolException e) {
                throw new DeployProtocolException(Kind.TRUNCATED, e.getMessage(), e);
            }
        }

        boolean isMidFrame() {
            return frames.isMidFrame();
        }
    }

    FrameReader newReader() {
        return new FrameReader();
    }
}
